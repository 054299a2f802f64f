import * as Tabs from "@radix-ui/react-tabs";
import { useNavigate } from "@tanstack/react-router";
import { Search, WifiOff } from "lucide-react";
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { Input } from "../../../components/ui/Field";
import { NotificationBar } from "../../../inbox/attentionBar";
import { orderConversations, useConversationList } from "../../../inbox/queries";
import type { InboxTab } from "../../../inbox/queries";
import { useRealtime } from "../../../inbox/realtime";
import { cn } from "../../../lib/cn";
import { useMe } from "../../../lib/me";
import { useDebounced } from "../../../lib/useDebounced";
import { useTenantId } from "../../../lib/useTenantId";
import { FilterPopover } from "./FilterPopover";
import { activeFilterCount, toInboxFilters, useInboxFilters } from "./filters";
import { emptyKind, tabBadge, useInboxCounts } from "./counts";
import { ListEmpty, ListSkeleton, LoadError, Rows } from "./ListBody";
import { ListMenu } from "./ListMenu";
import { useChannels, useMemberNames } from "../../../inbox/lookups";
import { neighbour, useListShortcuts } from "./shortcuts";
import { ShortcutsHelp } from "./ShortcutsHelp";
import { NewConversationButton } from "../StartConversationDialog";

const TABS: InboxTab[] = ["mine", "unassigned", "all", "resolved"];

/** How many conversations the tab lists (read out with the tab's name). */
function TabCount({ n, testId }: { n: number; testId: string }) {
  const { t } = useTranslation();
  if (n === 0) return null;
  return (
    <span data-testid={testId} title={t("inboxlist.tabs.count", { count: n })} className="ml-1.5 rounded-full bg-slate-200 px-1.5 text-[11px] leading-4 font-semibold text-slate-700 group-data-[state=active]:bg-brand-600 group-data-[state=active]:text-white">
      <span aria-hidden>{n > 99 ? "99+" : n}</span>
      <span className="sr-only">{t("inboxlist.tabs.count", { count: n })}</span>
    </span>
  );
}

/** The tab's name (the resolved view's lives in this slice's own translations). */
function TabLabel({ tab }: { tab: InboxTab }) {
  const { t } = useTranslation();
  return <span className="truncate">{tab === "resolved" ? t("inboxlist.tabs.resolved") : t(`conv.tabs.${tab}`)}</span>;
}

function SearchBox({ inputRef }: { inputRef: React.RefObject<HTMLInputElement | null> }) {
  const { t } = useTranslation();
  const search = useInboxFilters((s) => s.search);
  const setSearch = useInboxFilters((s) => s.setSearch);
  return (
    <div className="relative flex-1">
      <Search aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
      <Input
        ref={inputRef}
        type="search"
        data-testid="inbox-search"
        aria-label={t("conv.list.search")}
        placeholder={t("conv.list.searchPlaceholder")}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key !== "Escape") return;
          e.preventDefault();
          if (search) setSearch("");
          else e.currentTarget.blur();
        }}
        className="h-9 rounded-full bg-slate-100 pl-9 ring-0 focus:bg-white"
      />
    </div>
  );
}

// Whether this session's connection has been open: the first attempts are not "offline".
let everOpen = false;
useRealtime.subscribe((s) => {
  if (s.status === "open") everOpen = true;
  else if (s.status === "idle") everOpen = false;
});

/** Shown when the realtime connection dropped after it had worked: the list may be behind. */
function OfflineBanner() {
  const { t } = useTranslation();
  const offline = useRealtime((s) => s.status !== "open" && s.status !== "idle" && everOpen);
  if (!offline) return null;
  return (
    <div role="status" className="flex items-center gap-2 bg-amber-50 px-3 py-1.5 text-xs text-amber-900">
      <WifiOff aria-hidden className="size-3.5 shrink-0" />
      {t("conv.list.offline")}
    </div>
  );
}

/**
 * The conversation list: tabs (mine, unassigned, all, resolved) with their counts, search, filters, and the conversations by
 * latest activity. Realtime events refetch it (RealtimeBridge); rows move without re-mounting.
 */
export function ConversationList({ selectedId }: { selectedId?: string | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const state = useInboxFilters();
  const tenant = useTenantId();
  // Filters kept in the tab's session are one tenant's (its channels, teams, tags).
  useLayoutEffect(() => {
    if (tenant) useInboxFilters.getState().forTenant(tenant);
  }, [tenant]);
  const q = useDebounced(state.search, 300);
  const filters = useMemo(() => toInboxFilters(state, q), [state, q]);
  const list = useConversationList(filters);
  const items = useMemo(() => orderConversations(list.data?.pages ?? []), [list.data]);
  const me = useMe().data?.user.id ?? "";
  const channelList = useChannels();
  const channels = useMemo(() => new Map(channelList.map((c) => [c.id, c])), [channelList]);
  const names = useMemberNames();
  const [help, setHelp] = useState(false);
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const filtered = activeFilterCount(state) > 0 || !!filters.q;
  const counts = useInboxCounts(filters);

  const ids = useMemo(() => items.map((c) => c.id), [items]);
  const move = useCallback(
    (step: 1 | -1) => {
      const id = neighbour(ids, selectedId, step);
      if (id) void navigate({ to: "/inbox/$conversationId", params: { conversationId: id } });
    },
    [ids, selectedId, navigate],
  );
  useListShortcuts({ move, search: () => searchRef.current?.focus(), help: () => setHelp(true) });

  return (
    <Tabs.Root value={state.tab} onValueChange={(v) => state.setTab(v as InboxTab)} className="flex h-full min-h-0 flex-col">
      <header className="shrink-0 border-b border-slate-200 bg-white">
        <div className="flex items-center gap-1 px-3 pt-2.5 pb-2">
          <h2 className="mr-auto text-lg font-semibold text-slate-900">{t("inbox.listLabel")}</h2>
          <NewConversationButton />
          <FilterPopover />
          <ListMenu onShortcuts={() => setHelp(true)} />
        </div>
        <NotificationBar />
        <div className="px-3 pb-2">
          <SearchBox inputRef={searchRef} />
        </div>
        <Tabs.List aria-label={t("conv.tabs.label")} className="flex px-1">
          {TABS.map((tab) => (
            <Tabs.Trigger
              key={tab}
              value={tab}
              data-testid={`tab-${tab}`}
              className="group flex min-w-0 flex-1 items-center justify-center border-b-2 border-transparent px-1 py-2 text-sm font-medium whitespace-nowrap text-slate-500 hover:text-slate-800 data-[state=active]:border-brand-600 data-[state=active]:text-brand-800"
            >
              <TabLabel tab={tab} />
              <TabCount n={tabBadge(tab, counts)} testId={`tab-count-${tab}`} />
            </Tabs.Trigger>
          ))}
        </Tabs.List>
      </header>
      <OfflineBanner />
      <Tabs.Content
        value={state.tab}
        ref={setScroller}
        aria-busy={list.isPlaceholderData || undefined}
        className={cn("min-h-0 flex-1 overflow-y-auto outline-none transition-opacity [overflow-anchor:auto]", list.isPlaceholderData && "opacity-60")}
      >
        {list.isError ? <LoadError error={list.error} retrying={list.isFetching} onRetry={() => void list.refetch()} /> : null}
        {list.isPending ? (
          <ListSkeleton />
        ) : items.length === 0 ? (
          // A list that never loaded is not an empty inbox: the error above says what happened.
          list.isError ? null : <ListEmpty kind={emptyKind(state.tab, filtered, counts)} counts={counts} onClear={state.clearAll} onQueue={() => state.setTab("unassigned")} />
        ) : (
          <Rows
            items={items}
            selectedId={selectedId}
            me={me}
            channels={channels}
            names={names}
            hasMore={list.hasNextPage}
            loadingMore={list.isFetchingNextPage}
            loadMore={() => void list.fetchNextPage()}
            root={scroller}
          />
        )}
      </Tabs.Content>
      <ShortcutsHelp open={help} onOpenChange={setHelp} />
    </Tabs.Root>
  );
}
