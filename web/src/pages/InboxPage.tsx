import { Link } from "@tanstack/react-router";
import { MessagesSquare } from "lucide-react";
import { useTranslation } from "react-i18next";

import { EmptyState } from "../components/ui/States";
import { useRole } from "../lib/me";
import { can } from "../lib/permissions";

/**
 * The inbox. Its conversation list, chat and side panel arrive with the messaging API; until
 * then the page shows the empty inbox.
 */
export function InboxPage() {
  const { t } = useTranslation();
  const role = useRole();
  return (
    <div className="mx-auto flex h-full max-w-3xl flex-col justify-center p-4 md:p-8">
      <h1 className="sr-only">{t("nav.inbox")}</h1>
      <EmptyState
        icon={<MessagesSquare aria-hidden />}
        title={t("inbox.emptyTitle")}
        action={
          can(role, "members.invite") ? (
          <Link to="/settings/users" className="text-sm font-medium text-brand-700 underline-offset-2 hover:underline">
            {t("inbox.inviteTeam")}
          </Link>
          ) : null
        }
      >
        {t("inbox.emptyText")}
      </EmptyState>
    </div>
  );
}
