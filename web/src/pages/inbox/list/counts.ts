// The tab badges and the empty list's message. The badges count the conversations each tab
// lists (GET /conversations/counts, one statement for the three tabs, under the list's other
// filters), not unread messages: a "Na fila 3" over five queued conversations was defect 5 of
// issue 10. Kept under the list key prefix, so every realtime event that refreshes the list
// refreshes the badges too, with no polling.

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import type { Schemas } from "../../../api/client";
import { inboxKeys, listQuery } from "../../../inbox/queries";
import type { InboxFilters, InboxTab } from "../../../inbox/queries";
import { useTenantId } from "../../../lib/useTenantId";

export type InboxCounts = Schemas["InboxCountsView"];

/** The counts query for the list's filters: everything but the tab (each count is a tab). */
export function countsQuery(f: InboxFilters) {
  const { assignee, ...rest } = listQuery({ ...f, tab: "all" });
  // The agent filter narrows *All* only; *Mine* and the queue ignore it (see `assigneeApplies`),
  // so their counts are asked without it and *All*'s with it (a second query, only then).
  return { base: rest, all: assignee ? { ...rest, assignee } : undefined };
}

function useCountsOf(tenant: string, query: Record<string, unknown> | undefined) {
  return useQuery({
    queryKey: [...inboxKeys.lists(tenant), "counts", query],
    enabled: tenant !== "" && query !== undefined,
    placeholderData: keepPreviousData,
    queryFn: () => unwrap(api.GET("/api/v1/conversations/counts", { params: { query: query as never } })),
  });
}

/** The tab counts for the list's filters; `undefined` until known. */
export function useInboxCounts(f: InboxFilters): InboxCounts | undefined {
  const tenant = useTenantId();
  const { base, all } = countsQuery(f);
  const plain = useCountsOf(tenant, base).data;
  const narrowed = useCountsOf(tenant, all).data;
  if (!plain) return undefined;
  return all ? { ...plain, all: narrowed?.all ?? plain.all } : plain;
}

/** The badge of a tab: the resolved view has none (it only grows; nobody works it down). */
export function tabBadge(tab: InboxTab, counts: InboxCounts | undefined): number {
  if (!counts || tab === "resolved") return 0;
  return counts[tab];
}

/**
 * What an empty list says:
 * - `filtered`: filters or a search hide everything (offer to clear them);
 * - `queue`: *Mine* is empty but conversations wait in the queue (point there, with the number);
 * - `mineClear`: *Mine* is empty, the queue too, and colleagues have conversations;
 * - `queueClear`: the queue is empty and some conversations exist (someone has each one);
 * - `noResolved`: nothing resolved yet;
 * - `nothing`: no conversation anywhere — only then "invite your team" (and the channels).
 * Counts not known yet say nothing about the rest: `nothing` without the invitation.
 */
export type EmptyKind = "filtered" | "queue" | "mineClear" | "queueClear" | "noResolved" | "nothing";

export function emptyKind(tab: InboxTab, filtered: boolean, counts: InboxCounts | undefined): EmptyKind {
  if (filtered) return "filtered";
  if (tab === "resolved") return "noResolved";
  if (!counts) return "nothing";
  if (tab === "mine" && counts.unassigned > 0) return "queue";
  if (counts.all === 0) return "nothing";
  if (tab === "mine") return "mineClear";
  if (tab === "unassigned") return "queueClear";
  return "nothing";
}
