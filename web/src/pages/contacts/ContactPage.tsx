import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Link, useParams } from "@tanstack/react-router";
import { ArrowLeft, Mail, MessagesSquare, Pencil, Phone, UserRound } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import { Button } from "../../components/ui/Button";
import { LoadMore } from "../../components/ui/LoadMore";
import { Badge, Card } from "../../components/ui/Page";
import { EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { useChannels } from "../../inbox/lookups";
import { formatDateTime } from "../../lib/format";
import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { TagPill } from "../settings/TagsPage";
import { NewConversationButton } from "../inbox/StartConversationDialog";
import { ContactDialog } from "./ContactDialog";

const STATUSES = ["open", "pending", "waiting", "resolved", "archived", "spam"] as const;
type Status = (typeof STATUSES)[number];
const isStatus = (s: string): s is Status => (STATUSES as readonly string[]).includes(s);

/** One contact: details (editable), identities per channel, tags, and every conversation. */
export function ContactPage() {
  const { t } = useTranslation();
  const { contactId } = useParams({ from: "/app/contacts/$contactId" });
  const write = can(useRole(), "contacts.write");
  const [editing, setEditing] = useState<number | null>(null);
  const contact = useQuery({
    queryKey: ["contacts", "one", contactId],
    queryFn: () => unwrap(api.GET("/api/v1/contacts/{id}", { params: { path: { id: contactId } } })),
  });
  const conversations = useInfiniteQuery({
    queryKey: ["conversations", "of-contact", contactId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/v1/conversations", { params: { query: { contact_id: contactId, status: "all", limit: 30, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const channels = useChannels();
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? t("people.contact.channel");

  const back = (
    <Link to="/contacts" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-brand-700 hover:underline">
      <ArrowLeft aria-hidden className="size-4" />
      {t("people.contact.back")}
    </Link>
  );
  if (contact.isPending) {
    return (
      <div className="mx-auto max-w-5xl p-4 md:p-8">
        {back}
        <LoadingBlock rows={4} />
      </div>
    );
  }
  if (contact.isError) {
    return (
      <div className="mx-auto max-w-5xl p-4 md:p-8">
        {back}
        <ErrorState error={contact.error} onRetry={() => void contact.refetch()} />
      </div>
    );
  }
  const c = contact.data;
  const convs = conversations.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-8">
      {back}
      <div className="mb-6 flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 items-center gap-3">
          <span aria-hidden className="flex size-12 shrink-0 items-center justify-center rounded-full bg-brand-100 text-brand-800">
            <UserRound className="size-6" />
          </span>
          <div className="min-w-0">
            <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold text-slate-900">
              {c.name}
              {c.blocked ? <Badge tone="red">{t("contacts.blocked")}</Badge> : null}
              {c.opt_out ? <Badge tone="amber">{t("contacts.optOutShort")}</Badge> : null}
            </h1>
            <p className="text-sm text-slate-500">
              {t("people.contacts.conversations", { count: c.conversation_count })} ·{" "}
              {t("people.contacts.lastContact")}: {c.last_contact_at ? formatDateTime(c.last_contact_at) : t("people.contacts.never")}
            </p>
          </div>
        </div>
        <div className="flex flex-wrap gap-2">
          <NewConversationButton labelled contact={{ id: c.id, name: c.name, phone: c.phone }} />
          {write ? (
            <Button variant="secondary" icon={<Pencil aria-hidden className="size-4" />} onClick={() => setEditing(Date.now())}>
              {t("contacts.edit")}
            </Button>
          ) : null}
        </div>
      </div>
      <div className="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <div className="space-y-4">
          <Card title={t("people.contact.details")}>
            <dl className="space-y-2 text-sm">
              <div className="flex items-center gap-2">
                <Phone aria-hidden className="size-4 text-slate-400" />
                <dt className="sr-only">{t("contacts.phone")}</dt>
                <dd className="text-slate-800">{c.phone_display ?? c.phone ?? "—"}</dd>
              </div>
              <div className="flex items-center gap-2">
                <Mail aria-hidden className="size-4 text-slate-400" />
                <dt className="sr-only">{t("common.email")}</dt>
                <dd className="truncate text-slate-800">{c.email ?? "—"}</dd>
              </div>
              <div className="text-xs text-slate-500">
                <dt className="inline">{t("people.contact.since")}: </dt>
                <dd className="inline">{formatDateTime(c.created_at)}</dd>
              </div>
            </dl>
          </Card>
          <Card title={t("contacts.tags")}>
            {c.tags.length ? (
              <div className="flex flex-wrap gap-1">
                {c.tags.map((tag) => (
                  <TagPill key={tag.id} tag={tag} />
                ))}
              </div>
            ) : (
              <p className="text-sm text-slate-500">{t("people.contact.noTags")}</p>
            )}
          </Card>
          <Card title={t("people.contact.identities")}>
            {c.identities.length ? (
              <ul className="space-y-1 text-sm">
                {c.identities.map((i) => (
                  <li key={`${i.channel_kind}:${i.external_id}`} className="flex justify-between gap-2">
                    <span className="text-slate-500">{t(`people.contact.kinds.${i.channel_kind === "whatsapp_cloud" || i.channel_kind === "webchat" ? i.channel_kind : "other"}`)}</span>
                    <span className="truncate font-mono text-slate-800">{i.external_id}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">{t("people.contact.noIdentities")}</p>
            )}
          </Card>
        </div>
        <Card title={t("people.contact.conversations")}>
          {conversations.isPending ? (
            <LoadingBlock rows={3} />
          ) : conversations.isError ? (
            <ErrorState error={conversations.error} onRetry={() => void conversations.refetch()} />
          ) : convs.length === 0 ? (
            <EmptyState icon={<MessagesSquare aria-hidden />} title={t("people.contact.noConversations")} />
          ) : (
            <>
              <ul className="divide-y divide-slate-100" aria-label={t("people.contact.conversations")}>
                {convs.map((v) => (
                  <li key={v.id}>
                    <Link to="/inbox/$conversationId" params={{ conversationId: v.id }} className="flex items-center gap-3 py-2.5 hover:bg-slate-50">
                      <span className="min-w-0 flex-1">
                        <span className="block truncate text-sm font-medium text-slate-900">{channelName(v.channel_id)}</span>
                        <span className="block truncate text-sm text-slate-500">{v.last_message?.body ?? "—"}</span>
                      </span>
                      <span className="flex shrink-0 flex-col items-end gap-1 text-xs text-slate-500">
                        <Badge tone={v.status === "resolved" || v.status === "archived" ? "slate" : "green"}>
                          {isStatus(v.status) ? t(`conv.status.${v.status}`) : v.status}
                        </Badge>
                        {formatDateTime(v.last_message_at)}
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
              <LoadMore hasMore={conversations.hasNextPage} loading={conversations.isFetchingNextPage} onClick={() => void conversations.fetchNextPage()} />
            </>
          )}
        </Card>
      </div>
      {editing !== null ? <ContactDialog key={editing} editing={c} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}
