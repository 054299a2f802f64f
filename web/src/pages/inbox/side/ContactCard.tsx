import { Mail, Phone } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Avatar } from "../list/bits";
import type { Contact } from "./hooks";
import { usePanelRights, useRunner, useUpdateContact } from "./hooks";
import { InlineEdit } from "./InlineEdit";

/** The contact: avatar, name and e-mail (edited in place), phone. */
export function ContactCard({ contact }: { contact: Contact }) {
  const { t } = useTranslation();
  const { editContact } = usePanelRights();
  const update = useUpdateContact(contact.id);
  const run = useRunner();
  const phone = contact.phone_display ?? contact.phone;
  return (
    <div className="flex flex-col items-center gap-2 border-b border-slate-100 px-4 pt-4 pb-3 text-center">
      <Avatar id={contact.id} name={contact.name} className="size-16 text-xl" />
      <InlineEdit
        label={t("common.name")}
        value={contact.name}
        disabled={!editContact}
        saving={update.isPending}
        onSave={(name) => name.trim() && run(update, { name: name.trim() })}
        className="w-full max-w-full justify-center text-base font-semibold text-slate-900"
      />
      <div className="w-full space-y-1 text-left text-sm text-slate-700">
        {phone ? (
          <a href={`tel:${contact.phone ?? phone}`} className="flex items-center gap-2 rounded px-1 py-1 hover:bg-slate-50">
            <Phone aria-hidden className="size-4 shrink-0 text-slate-400" />
            <span className="sr-only">{t("contacts.phone")}: </span>
            <span data-testid="side-phone" className="whitespace-nowrap">{phone}</span>
          </a>
        ) : null}
        <div className="flex items-center gap-2 px-1">
          <Mail aria-hidden className="size-4 shrink-0 text-slate-400" />
          <InlineEdit
            type="email"
            label={t("common.email")}
            value={contact.email ?? ""}
            display={contact.email ?? <span className="text-slate-400">{t("conv.side.noEmail")}</span>}
            disabled={!editContact}
            saving={update.isPending}
            onSave={(email) => run(update, { email: email.trim() || null })}
            className="flex-1"
          />
        </div>
      </div>
    </div>
  );
}
