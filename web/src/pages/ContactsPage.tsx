import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { BookUser, Clock, Mail, MessagesSquare, Phone, Plus, Search, UserRound } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../api/client";
import { Button } from "../components/ui/Button";
import { Input } from "../components/ui/Field";
import { LoadMore } from "../components/ui/LoadMore";
import { Badge } from "../components/ui/Page";
import { EmptyState, ErrorState, LoadingBlock } from "../components/ui/States";
import { formatDateTime } from "../lib/format";
import { useRole } from "../lib/me";
import { can } from "../lib/permissions";
import { useDebounced } from "../lib/useDebounced";
import { ContactDialog } from "./contacts/ContactDialog";
import { NewConversationButton } from "./inbox/StartConversationDialog";
import { TagPill } from "./settings/TagsPage";

/**
 * The contact book: search by name, e-mail or any spelling of a phone, with the total, each
 * contact's tags, last contact and conversation count. A contact opens its page.
 */
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
  const [creating, setCreating] = useState<number | null>(null);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total;
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-8">
      <div className="mb-6 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{t("nav.contacts")}</h1>
          {total !== undefined ? (
            <p className="mt-1 text-sm text-slate-500" aria-live="polite">
              {q ? t("people.contacts.found", { count: total }) : t("people.contacts.total", { count: total })}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-2">
          <NewConversationButton labelled />
          {write ? (
            <Button icon={<Plus aria-hidden className="size-4" />} onClick={() => setCreating(Date.now())}>
              {t("contacts.create")}
            </Button>
          ) : null}
        </div>
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
                <Link to="/contacts/$contactId" params={{ contactId: c.id }} className="flex w-full items-center gap-3 px-4 py-3 text-left hover:bg-slate-50">
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
                    <span className="mt-1 flex flex-wrap gap-1 empty:hidden">
                      {c.tags.map((tag) => (
                        <TagPill key={tag.id} tag={tag} />
                      ))}
                    </span>
                  </span>
                  <span className="flex w-36 shrink-0 flex-col items-end gap-0.5 text-xs text-slate-500">
                    <span className="inline-flex items-center gap-1" title={t("people.contacts.lastContact")}>
                      <Clock aria-hidden className="size-3.5" />
                      <span className="sr-only">{t("people.contacts.lastContact")}: </span>
                      {c.last_contact_at ? formatDateTime(c.last_contact_at) : t("people.contacts.never")}
                    </span>
                    <span className="inline-flex items-center gap-1">
                      <MessagesSquare aria-hidden className="size-3.5" />
                      {t("people.contacts.conversations", { count: c.conversation_count })}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} />
        </>
      )}
      {creating !== null ? <ContactDialog key={creating} editing={null} onClose={() => setCreating(null)} /> : null}
    </div>
  );
}
