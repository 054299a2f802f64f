import { Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { Button, IconButton } from "../../../components/ui/Button";
import { Input } from "../../../components/ui/Field";
import { ATTRIBUTE_KEY_MAX, attributeEntries, attributeText, isEditable, normalizeKey, removeAttributeBody, setAttributeBody } from "./attributes";
import type { Contact } from "./hooks";
import { usePanelRights, useRunner, useUpdateContact } from "./hooks";
import { InlineEdit, PanelSection } from "./InlineEdit";

function AddAttribute({ onAdd, saving }: { onAdd: (key: string, value: string, done: () => void) => void; saving: boolean }) {
  const { t } = useTranslation();
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const normalized = normalizeKey(key);
  return (
    <form
      className="mt-2 flex items-center gap-1.5"
      onSubmit={(e) => {
        e.preventDefault();
        if (normalized) onAdd(normalized, value, () => (setKey(""), setValue("")));
      }}
    >
      <Input data-testid="attr-key" aria-label={t("conv.attrs.key")} placeholder={t("conv.attrs.key")} maxLength={ATTRIBUTE_KEY_MAX} value={key} onChange={(e) => setKey(e.target.value)} className="h-8 min-w-0 flex-1 px-2" />
      <Input data-testid="attr-value" aria-label={t("conv.attrs.value")} placeholder={t("conv.attrs.value")} value={value} onChange={(e) => setValue(e.target.value)} className="h-8 min-w-0 flex-1 px-2" />
      <Button type="submit" size="sm" variant="secondary" data-testid="attr-add" disabled={!normalized} loading={saving} icon={<Plus aria-hidden className="size-4" />} aria-label={t("conv.attrs.add")} title={t("conv.attrs.add")} />
    </form>
  );
}

/** The contact's own fields (plan, CPF, order number…): key/value pairs added, edited, removed. */
export function CustomAttributes({ contact }: { contact: Contact }) {
  const { t } = useTranslation();
  const { editContact } = usePanelRights();
  const update = useUpdateContact(contact.id);
  const run = useRunner();
  const entries = attributeEntries(contact.custom_attributes);
  return (
    <PanelSection title={t("conv.attrs.title")}>
      {entries.length === 0 ? <p className="text-sm text-slate-500">{t("conv.attrs.empty")}</p> : null}
      <dl className="space-y-0.5">
        {entries.map(([key, v]) => (
          <div key={key} data-testid="attr-row" data-key={key} className="flex items-center gap-2 text-sm">
            <dt className="w-2/5 shrink-0 truncate text-slate-500" title={key}>
              {key}
            </dt>
            <dd className="flex min-w-0 flex-1 items-center">
              <InlineEdit
                label={key}
                value={attributeText(v)}
                disabled={!editContact || !isEditable(v)}
                saving={update.isPending}
                onSave={(text) => run(update, setAttributeBody(key, text))}
                className="flex-1 text-slate-900"
              />
              {editContact ? (
                <IconButton
                  label={t("conv.attrs.remove", { key })}
                  icon={<Trash2 aria-hidden className="size-3.5" />}
                  variant="ghost-danger"
                  className="size-7"
                  onClick={() => run(update, removeAttributeBody(key), t("conv.attrs.removed"))}
                />
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
      {editContact ? <AddAttribute saving={update.isPending} onAdd={(key, value, done) => run(update, setAttributeBody(key, value), t("conv.attrs.added"), done)} /> : null}
    </PanelSection>
  );
}
