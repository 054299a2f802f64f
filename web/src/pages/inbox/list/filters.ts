// The list's filters (tab, search text, status, channel, team, tag, unread), kept for the
// browser tab's session so a reload or a trip to the settings comes back to the same list. They
// belong to one tenant: another tenant (a switch, another sign-in on the tab) starts clean.

import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";

import { DEFAULT_FILTERS } from "../../../inbox/queries";
import type { InboxFilters, InboxTab } from "../../../inbox/queries";

/** Status choices of the filter: "" is the API's default (open, pending and waiting). */
export const STATUS_CHOICES = ["", "open", "pending", "waiting", "resolved", "archived", "spam", "all"] as const;
export type StatusChoice = (typeof STATUS_CHOICES)[number];

/** The popover's part of the filters (not the tab, not the search text). */
export type PanelFilters = Pick<InboxFilters, "status" | "channelId" | "teamId" | "tagId" | "assigneeId" | "unread">;

interface FilterState extends Required<Pick<InboxFilters, "tab" | "status">> {
  channelId?: string | undefined;
  teamId?: string | undefined;
  tagId?: string | undefined;
  assigneeId?: string | undefined;
  unread?: boolean | undefined;
  /** The search box as typed; the query uses it debounced. */
  search: string;
  /** The tenant these filters were set in ("" before the first one is known). */
  tenant: string;
  /** Keeps the filters for `tenant`, or resets them when they were another tenant's. */
  forTenant: (tenant: string) => void;
  setTab: (tab: InboxTab) => void;
  setSearch: (search: string) => void;
  setPanel: (patch: Partial<PanelFilters>) => void;
  clearPanel: () => void;
  clearAll: () => void;
}

const NO_PANEL: PanelFilters = { status: "", channelId: undefined, teamId: undefined, tagId: undefined, assigneeId: undefined, unread: undefined };

export const useInboxFilters = create<FilterState>()(
  persist(
    (set) => ({
      ...DEFAULT_FILTERS,
      ...NO_PANEL,
      search: "",
      tenant: "",
      forTenant: (tenant) => set((s) => (s.tenant === tenant ? s : { ...DEFAULT_FILTERS, ...NO_PANEL, search: "", tenant })),
      setTab: (tab) => set({ tab }),
      setSearch: (search) => set({ search }),
      setPanel: (patch) => set(patch),
      clearPanel: () => set(NO_PANEL),
      clearAll: () => set({ ...NO_PANEL, search: "" }),
    }),
    {
      name: "atende.inbox.filters",
      storage: createJSONStorage(() => sessionStorage),
      partialize: ({ tab, status, channelId, teamId, tagId, assigneeId, unread, search, tenant }) => ({ tab, status, channelId, teamId, tagId, assigneeId, unread, search, tenant }),
    },
  ),
);

/** The InboxFilters (query key and API query) for the state and the settled search text. */
export function toInboxFilters(s: Pick<FilterState, "tab" | "status"> & Partial<PanelFilters>, q: string): InboxFilters {
  const f: InboxFilters = { tab: s.tab, status: s.status };
  if (s.channelId) f.channelId = s.channelId;
  if (s.teamId) f.teamId = s.teamId;
  if (s.tagId) f.tagId = s.tagId;
  // *Mine* and the queue are assignee views of their own: an agent filter there would contradict them.
  if (s.assigneeId && assigneeApplies(s.tab)) f.assigneeId = s.assigneeId;
  // The *Resolved* tab is a status view: the status filter does not apply there.
  if (s.tab === "resolved") f.status = "";
  if (s.unread) f.unread = true;
  if (q.trim()) f.q = q.trim();
  return f;
}

/** Whether the agent filter applies on this tab (not on *Mine* nor the queue). */
export function assigneeApplies(tab: InboxTab): boolean {
  return tab === "all" || tab === "resolved";
}

/** Whether the status filter applies on this tab (not on *Resolved*). */
export function statusApplies(tab: InboxTab): boolean {
  return tab !== "resolved";
}

/** How many of the popover's filters are set and apply on `tab` (the badge on its button). */
export function activeFilterCount(f: Partial<PanelFilters> & { tab?: InboxTab }): number {
  const tab = f.tab ?? "all";
  return [statusApplies(tab) && f.status, f.channelId, f.teamId, f.tagId, assigneeApplies(tab) && f.assigneeId, f.unread].filter(Boolean).length;
}
