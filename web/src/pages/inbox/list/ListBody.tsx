import { Link } from "@tanstack/react-router";
import { AlertTriangle, CheckCheck, Hourglass, Inbox, SearchX } from "lucide-react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../../components/ui/Button";
import { EmptyState, Spinner } from "../../../components/ui/States";
import type { Conversation } from "../../../inbox/queries";
import { useRole } from "../../../lib/me";
import { useApiError } from "../../../lib/useApiError";
import { can } from "../../../lib/permissions";
import { useNow } from "../chat/hooks";
import { ConversationRow } from "./ConversationRow";
import type { EmptyKind, InboxCounts } from "./counts";
import type { Channel } from "../../../inbox/lookups";

/** Row-shaped placeholders while the first page loads. */
export function ListSkeleton() {
  const { t } = useTranslation();
  return (
    <div role="status" aria-label={t("common.loading")}>
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="flex gap-3 border-b border-slate-100 px-3 py-3">
          <div className="size-11 shrink-0 animate-pulse rounded-full bg-slate-200" />
          <div className="flex-1 space-y-2 py-1">
            <div className="h-3.5 w-2/5 animate-pulse rounded bg-slate-200" />
            <div className="h-3 w-4/5 animate-pulse rounded bg-slate-100" />
          </div>
        </div>
      ))}
    </div>
  );
}

/** A failed (re)load, above the rows the list still shows (alone when it never loaded). */
export function LoadError({ error, retrying, onRetry }: { error: unknown; retrying: boolean; onRetry: () => void }) {
  const { t } = useTranslation();
  const { message } = useApiError();
  return (
    <div role="alert" className="flex items-start gap-2 border-b border-red-100 bg-red-50 px-3 py-2 text-sm text-red-800">
      <AlertTriangle aria-hidden className="mt-0.5 size-4 shrink-0" />
      <p className="min-w-0 flex-1">
        <span className="font-medium">{t("conv.list.loadFailed")}</span> {message(error)}
      </p>
      <Button variant="secondary" size="sm" loading={retrying} onClick={onRetry}>
        {t("common.retry")}
      </Button>
    </div>
  );
}

/** The empty list's message (see `emptyKind`): an empty *Mine* points to the queue when it has conversations. */
export function ListEmpty({ kind, counts, onClear, onQueue }: { kind: EmptyKind; counts: InboxCounts | undefined; onClear: () => void; onQueue: () => void }) {
  const { t } = useTranslation();
  const role = useRole();
  if (kind === "filtered") {
    return (
      <div className="p-4">
        <EmptyState icon={<SearchX aria-hidden />} title={t("conv.list.noResults")} action={<Button variant="secondary" size="sm" onClick={onClear}>{t("common.clearFilters")}</Button>}>
          {t("conv.list.noResultsText")}
        </EmptyState>
      </div>
    );
  }
  if (kind === "queue") {
    return (
      <div className="p-4" data-testid="empty-queue">
        <EmptyState
          icon={<Hourglass aria-hidden />}
          title={t("inboxlist.empty.queueTitle")}
          action={
            <Button size="sm" onClick={onQueue} data-testid="empty-see-queue">
              {t("inboxlist.empty.queueAction")}
            </Button>
          }
        >
          {t("inboxlist.empty.queueText", { count: counts?.unassigned ?? 0 })}
        </EmptyState>
      </div>
    );
  }
  if (kind !== "nothing") {
    const Icon = kind === "noResolved" ? CheckCheck : Inbox;
    return (
      <div className="p-4" data-testid={`empty-${kind}`}>
        <EmptyState icon={<Icon aria-hidden />} title={t(`inboxlist.empty.${kind}Title`)}>
          {t(`inboxlist.empty.${kind}Text`)}
        </EmptyState>
      </div>
    );
  }
  // Nothing anywhere (as far as the counts know): a new company's inbox.
  return (
    <div className="p-4" data-testid="empty-nothing">
      <EmptyState
        icon={<Inbox aria-hidden />}
        title={t("inbox.emptyTitle")}
        action={
          counts && can(role, "members.invite") ? (
            <Link to="/settings/users" className="text-sm font-medium text-brand-700 underline">
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

interface RowsProps {
  items: Conversation[];
  selectedId: string | undefined;
  me: string;
  channels: Map<string, Channel>;
  names: Map<string, string>;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  root: HTMLElement | null;
}

/** The rows (keyed by id: a re-order moves them, never re-mounts) and the infinite-scroll sentinel. */
export function Rows({ items, selectedId, me, channels, names, hasMore, loadingMore, loadMore, root }: RowsProps) {
  const { t } = useTranslation();
  // The list's clock: relative times move on once a minute without a refetch.
  const now = useNow(60_000);
  const sentinel = useRef<HTMLLIElement>(null);
  const load = useRef(loadMore);
  useEffect(() => {
    load.current = loadMore;
  });
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore || loadingMore || typeof IntersectionObserver === "undefined") return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && load.current(), { root, rootMargin: "400px 0px" });
    io.observe(el);
    return () => io.disconnect();
  }, [hasMore, loadingMore, root]);

  return (
    <ul aria-label={t("inbox.listLabel")}>
      {items.map((c) => (
        <li key={c.id}>
          <ConversationRow
            conversation={c}
            selected={c.id === selectedId}
            now={now}
            channel={channels.get(c.channel_id)}
            otherAssignee={c.assignee_id && c.assignee_id !== me ? (names.get(c.assignee_id) ?? t("conv.list.someone")) : undefined}
          />
        </li>
      ))}
      {hasMore ? (
        <li ref={sentinel} className="flex justify-center py-4">
          {loadingMore ? (
            <Spinner />
          ) : (
            <Button variant="ghost" size="sm" onClick={loadMore}>
              {t("common.loadMore")}
            </Button>
          )}
        </li>
      ) : null}
    </ul>
  );
}
