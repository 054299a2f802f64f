import { useInfiniteQuery } from "@tanstack/react-query";
import { Filter, ScrollText, X } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Schemas } from "../../api/client";
import { Button } from "../../components/ui/Button";
import { Field, Input, Select } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { PageHeader } from "../../components/ui/Page";
import { EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { formatDateTime } from "../../lib/format";
import { useAllMembers } from "../../lib/members";
import { auditActionLabel } from "./auditLabels";

type Entry = Schemas["AuditLogView"];

interface Filters {
  action: string;
  entity: string;
  actor: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { action: "", entity: "", actor: "", from: "", to: "" };

/** `YYYY-MM-DD` of a date input → RFC 3339 at local midnight (or the next midnight for `to`). */
export function dayToInstant(day: string, endOfDay = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const at = new Date(y, m - 1, d + (endOfDay ? 1 : 0));
  return at.toISOString();
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="text-slate-400">—</span>;
  return <pre className="max-h-64 overflow-auto rounded-md bg-slate-50 p-2 text-xs text-slate-800">{JSON.stringify(value, null, 2)}</pre>;
}

function EntryRow({ e, actorName }: { e: Entry; actorName: string | null }) {
  const { t, i18n } = useTranslation();
  return (
    <li>
      <details className="group">
        <summary className="grid cursor-pointer list-none grid-cols-1 gap-1 px-4 py-3 hover:bg-slate-50 md:grid-cols-[9rem_minmax(0,1.5fr)_minmax(0,1fr)_minmax(0,1fr)] md:gap-4 [&::-webkit-details-marker]:hidden">
          <span className="text-xs text-slate-500 md:text-sm">{formatDateTime(e.created_at)}</span>
          <span className="truncate text-sm text-slate-900" title={e.action}>
            {auditActionLabel(i18n, e.action)}
          </span>
          <span className="truncate text-sm text-slate-700">{actorName ?? (e.actor_api_key_id ? t("settings.audit.apiKey") : t("settings.audit.system"))}</span>
          <span className="truncate text-sm text-slate-500">
            {e.entity_type}
            {e.entity_id ? <span className="font-mono text-xs"> · {e.entity_id.slice(0, 8)}</span> : null}
          </span>
        </summary>
        <div className="grid gap-3 border-t border-slate-100 bg-white px-4 py-3 text-sm md:grid-cols-2">
          <div>
            <p className="mb-1 text-xs font-medium text-slate-500">{t("settings.audit.before")}</p>
            <Json value={e.before} />
          </div>
          <div>
            <p className="mb-1 text-xs font-medium text-slate-500">{t("settings.audit.after")}</p>
            <Json value={e.after} />
          </div>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs md:col-span-2">
            <dt className="text-slate-500">{t("settings.audit.ip")}</dt>
            <dd className="font-mono">{e.ip ?? "—"}</dd>
            <dt className="text-slate-500">{t("settings.audit.userAgent")}</dt>
            <dd className="break-all">{e.user_agent ?? "—"}</dd>
            <dt className="text-slate-500">{t("settings.audit.requestId")}</dt>
            <dd className="font-mono">{e.request_id ?? "—"}</dd>
            <dt className="text-slate-500">{t("settings.audit.entityId")}</dt>
            <dd className="font-mono break-all">{e.entity_id ?? "—"}</dd>
            {e.impersonator_id ? (
              <>
                <dt className="text-slate-500">{t("settings.audit.impersonator")}</dt>
                <dd className="font-mono">{e.impersonator_id}</dd>
              </>
            ) : null}
          </dl>
        </div>
      </details>
    </li>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const members = useAllMembers();
  const names = new Map((members.data ?? []).map((m) => [m.user_id, m.name]));
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const q = useInfiniteQuery({
    queryKey: ["audit", applied],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/audit/logs", {
          params: {
            query: {
              limit: 50,
              cursor: pageParam,
              action: applied.action.trim() || undefined,
              entity: applied.entity.trim() || undefined,
              actor: applied.actor || undefined,
              from: dayToInstant(applied.from),
              to: dayToInstant(applied.to, true),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  const active = JSON.stringify(applied) !== JSON.stringify(EMPTY);
  return (
    <div>
      <PageHeader title={t("settings.audit.title")} description={t("settings.audit.description")} />
      <form
        className="mb-4 grid gap-x-3 rounded-xl border border-slate-200 bg-white p-4 shadow-xs sm:grid-cols-2 xl:grid-cols-3"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
        }}
        aria-label={t("common.filter")}
      >
        <Field label={t("settings.audit.action")} hint={t("settings.audit.actionHint")}>
          <Input value={draft.action} onChange={set("action")} placeholder="members.*" />
        </Field>
        <Field label={t("settings.audit.entity")}>
          <Input value={draft.entity} onChange={set("entity")} placeholder="membership" />
        </Field>
        <Field label={t("settings.audit.actor")}>
          <Select value={draft.actor} onChange={set("actor")}>
            <option value="">{t("common.anyone")}</option>
            {(members.data ?? []).map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("settings.audit.from")}>
          <Input type="date" value={draft.from} onChange={set("from")} />
        </Field>
        <Field label={t("settings.audit.to")}>
          <Input type="date" value={draft.to} onChange={set("to")} />
        </Field>
        <div className="flex gap-2 sm:col-span-2 xl:col-span-3">
          <Button type="submit" size="sm" icon={<Filter aria-hidden className="size-4" />}>
            {t("common.applyFilters")}
          </Button>
          {active ? (
            <Button
              variant="ghost"
              size="sm"
              icon={<X aria-hidden className="size-4" />}
              onClick={() => {
                setDraft(EMPTY);
                setApplied(EMPTY);
              }}
            >
              {t("common.clearFilters")}
            </Button>
          ) : null}
        </div>
      </form>
      {q.isPending ? (
        <LoadingBlock rows={5} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<ScrollText aria-hidden />} title={t("settings.audit.empty")} />
      ) : (
        <>
          <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            <div aria-hidden className="hidden grid-cols-[9rem_minmax(0,1.5fr)_minmax(0,1fr)_minmax(0,1fr)] gap-4 border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase md:grid">
              <span>{t("settings.audit.when")}</span>
              <span>{t("settings.audit.action")}</span>
              <span>{t("settings.audit.actor")}</span>
              <span>{t("settings.audit.entity")}</span>
            </div>
            <ul className="divide-y divide-slate-100" aria-label={t("settings.audit.title")}>
              {items.map((e) => (
                <EntryRow key={e.id} e={e} actorName={e.actor_user_id ? (names.get(e.actor_user_id) ?? e.actor_user_id.slice(0, 8)) : null} />
              ))}
            </ul>
          </div>
          <LoadMore hasMore={q.hasNextPage} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
        </>
      )}
    </div>
  );
}
