import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { BookUser, Mail, Phone, Plus, Search, UserRound } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../api/client";
import type { Schemas } from "../api/client";
import { Button } from "../components/ui/Button";
import { Dialog } from "../components/ui/Dialog";
import { Field, Input } from "../components/ui/Field";
import { LoadMore } from "../components/ui/LoadMore";
import { Badge } from "../components/ui/Page";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../components/ui/States";
import { toast } from "../components/ui/Toaster";
import { useRole } from "../lib/me";
import { can } from "../lib/permissions";
import { useApiError } from "../lib/useApiError";
import { useDebounced } from "../lib/useDebounced";
import { TagPill, useAllTags } from "./settings/TagsPage";

type Contact = Schemas["ContactView"];

function ContactDialog({ editing, onClose }: { editing: Contact | null; onClose: () => void }) {
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

/** The contact book: search by name, e-mail or any spelling of a phone; create and edit. */
export function ContactsPage() {
  const { t } = useTranslation();
  const role = useRole();
  const write = can(role, "contacts.write");
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim());
  const list = useInfiniteQuery({
    queryKey: ["contacts", q],
    initialPageParam: undefined as string | undefined,
    placeholderData: keepPreviousData,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/contacts", { params: { query: { limit: 50, cursor: pageParam, q: q || undefined } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [editing, setEditing] = useState<{ contact: Contact | null; key: number } | null>(null);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-8">
      <div className="mb-6 flex flex-wrap items-start justify-between gap-3">
        <h1 className="text-xl font-semibold text-slate-900">{t("nav.contacts")}</h1>
        {write ? (
          <Button icon={<Plus aria-hidden className="size-4" />} onClick={() => setEditing({ contact: null, key: Date.now() })}>
            {t("contacts.create")}
          </Button>
        ) : null}
      </div>
      <div className="relative mb-4 max-w-md">
        <Search aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
        <Input type="search" aria-label={t("common.search")} placeholder={t("contacts.searchPlaceholder")} value={search} onChange={(e) => setSearch(e.target.value)} className="pl-9" />
      </div>
      {list.isPending ? (
        <LoadingBlock rows={5} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        q ? (
          <EmptyState icon={<Search aria-hidden />} title={t("common.noResults")} />
        ) : (
          <EmptyState icon={<BookUser aria-hidden />} title={t("contacts.emptyTitle")}>
            {t("contacts.emptyText")}
          </EmptyState>
        )
      ) : (
        <>
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs" aria-label={t("nav.contacts")}>
            {items.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  disabled={!write}
                  onClick={() => setEditing({ contact: c, key: Date.now() })}
                  className="flex w-full items-center gap-3 px-4 py-3 text-left hover:bg-slate-50 disabled:cursor-default disabled:hover:bg-transparent"
                  aria-label={write ? t("common.editItem", { name: c.name }) : c.name}
                >
                  <span aria-hidden className="flex size-10 shrink-0 items-center justify-center rounded-full bg-brand-100 text-brand-800">
                    <UserRound className="size-5" />
                  </span>
                  <span className="min-w-0 flex-1">
                    <span className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                      {c.name}
                      {c.blocked ? <Badge tone="red">{t("contacts.blocked")}</Badge> : null}
                      {c.opt_out ? <Badge tone="amber">{t("contacts.optOutShort")}</Badge> : null}
                    </span>
                    <span className="mt-0.5 flex flex-wrap gap-x-4 gap-y-0.5 text-sm text-slate-500">
                      {c.phone_display ?? c.phone ? (
                        <span className="inline-flex items-center gap-1">
                          <Phone aria-hidden className="size-3.5" />
                          {c.phone_display ?? c.phone}
                        </span>
                      ) : null}
                      {c.email ? (
                        <span className="inline-flex min-w-0 items-center gap-1 truncate">
                          <Mail aria-hidden className="size-3.5" />
                          {c.email}
                        </span>
                      ) : null}
                    </span>
                  </span>
                  <span className="hidden flex-wrap justify-end gap-1 sm:flex">
                    {c.tags.map((tag) => (
                      <TagPill key={tag.id} tag={tag} />
                    ))}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} />
        </>
      )}
      {editing ? <ContactDialog key={editing.key} editing={editing.contact} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}
