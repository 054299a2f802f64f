import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Schemas } from "../../api/client";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { Field, Input } from "../../components/ui/Field";
import { Alert } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { useApiError } from "../../lib/useApiError";
import { TagPill, useAllTags } from "../settings/TagsPage";

export type Contact = Schemas["ContactView"];

/** Create a contact, or edit one (the contacts list and the contact page). */
export function ContactDialog({ editing, onClose }: { editing: Contact | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const tags = useAllTags();
  const allTags = tags.data?.pages.flatMap((p) => p.items) ?? [];
  const [name, setName] = useState(editing?.name ?? "");
  const [phone, setPhone] = useState(editing?.phone_display ?? editing?.phone ?? "");
  const [email, setEmail] = useState(editing?.email ?? "");
  const [blocked, setBlocked] = useState(editing?.blocked ?? false);
  const [optOut, setOptOut] = useState(editing?.opt_out ?? false);
  const [tagIds, setTagIds] = useState<string[]>(editing?.tags.map((x) => x.id) ?? []);
  const save = useMutation({
    mutationFn: async () => {
      const fields = { name: name.trim() || undefined, phone: phone.trim() || null, email: email.trim() || null, blocked, opt_out: optOut };
      const saved = editing
        ? await unwrap(api.PATCH("/api/v1/contacts/{id}", { params: { path: { id: editing.id } }, body: fields }))
        : // The form requires a name, a phone or an e-mail (the document's "at least one of").
          await unwrap(api.POST("/api/v1/contacts", { body: fields as Schemas["CreateContactBody"] }));
      const before = new Set(saved.tags.map((x) => x.id));
      const changed = before.size !== tagIds.length || tagIds.some((id) => !before.has(id));
      return changed ? unwrap(api.PUT("/api/v1/contacts/{id}/tags", { params: { path: { id: saved.id } }, body: { tag_ids: tagIds } })) : saved;
    },
    onSuccess: () => {
      toast.success(t("common.saved"));
      void qc.invalidateQueries({ queryKey: ["contacts"] });
      onClose();
    },
  });
  const err = save.error;
  const general = err && ["name", "phone", "email", "tag_ids"].every((f) => !field(err, f)) ? message(err) : null;
  const toggle = (id: string) => setTagIds((cur) => (cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id]));
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={editing ? t("contacts.edit") : t("contacts.create")} description={editing ? undefined : t("contacts.createHint")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <Field label={t("common.name")} error={field(err, "name")}>
          <Input autoFocus autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <div className="grid gap-x-4 sm:grid-cols-2">
          <Field label={t("contacts.phone")} error={field(err, "phone")} hint={t("contacts.phoneHint")}>
            <Input type="tel" autoComplete="off" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="(11) 98765-4321" />
          </Field>
          <Field label={t("common.email")} error={field(err, "email")}>
            <Input type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
        </div>
        {allTags.length > 0 ? (
          <fieldset className="pb-3">
            <legend className="mb-1.5 text-sm font-medium text-slate-700">{t("contacts.tags")}</legend>
            <div className="flex flex-wrap gap-2">
              {allTags.map((tag) => (
                <label key={tag.id} className="flex cursor-pointer items-center gap-1.5 rounded-full border border-slate-200 py-0.5 pr-1 pl-2 has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50">
                  <input type="checkbox" className="accent-brand-700" checked={tagIds.includes(tag.id)} onChange={() => toggle(tag.id)} />
                  <TagPill tag={tag} />
                </label>
              ))}
            </div>
            {field(err, "tag_ids") ? <p className="mt-1 text-xs text-red-600">{field(err, "tag_ids")}</p> : null}
          </fieldset>
        ) : null}
        <div className="flex flex-wrap gap-x-6 gap-y-2 pb-3 text-sm text-slate-700">
          <label className="flex items-center gap-2">
            <input type="checkbox" className="accent-brand-700" checked={optOut} onChange={(e) => setOptOut(e.target.checked)} />
            {t("contacts.optOut")}
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" className="accent-red-600" checked={blocked} onChange={(e) => setBlocked(e.target.checked)} />
            {t("contacts.blocked")}
          </label>
        </div>
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t("common.save")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
