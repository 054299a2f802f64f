import { BookUser } from "lucide-react";
import { useTranslation } from "react-i18next";

import { EmptyState } from "../components/ui/States";

/** Contacts. The contact API arrives with messaging; until then the list is empty. */
export function ContactsPage() {
  const { t } = useTranslation();
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-8">
      <h1 className="mb-6 text-xl font-semibold text-slate-900">{t("nav.contacts")}</h1>
      <EmptyState icon={<BookUser aria-hidden />} title={t("contacts.emptyTitle")}>
        {t("contacts.emptyText")}
      </EmptyState>
    </div>
  );
}
