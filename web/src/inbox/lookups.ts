// The tenant's channels, teams and departments for the inbox's filters, icons and pickers. Same
// query keys and page shape as the settings pages, so both read (and refresh) one cache entry.

import { useInfiniteQuery } from "@tanstack/react-query";
import type { InfiniteData } from "@tanstack/react-query";
import { useMemo } from "react";

import { api, unwrap } from "../api/client";
import type { Schemas } from "../api/client";
import type { Paged } from "./queries";
import { useAllMembers } from "../lib/members";
import type { Member } from "../lib/members";

export type Channel = Schemas["ChannelView"];
export type Team = Schemas["TeamView"];
export type Department = Schemas["DepartmentView"];

const LOOKUP_STALE_MS = 5 * 60_000;

/** Every item of a paged lookup (settings pages fetch 100 at a time: more than any tenant has). */
export function itemsOf<T>(data: InfiniteData<Paged<T>> | undefined): T[] {
  return data?.pages.flatMap((p) => p.items) ?? [];
}

function useLookup<T>(key: string, page: (cursor: string | undefined) => Promise<Paged<T>>): T[] {
  const q = useInfiniteQuery({
    queryKey: [key],
    initialPageParam: undefined as string | undefined,
    staleTime: LOOKUP_STALE_MS,
    queryFn: ({ pageParam }) => page(pageParam),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  return useMemo(() => itemsOf(q.data), [q.data]);
}

export const useChannels = () => useLookup("channels", (cursor) => unwrap(api.GET("/api/v1/channels", { params: { query: { limit: 100, cursor } } })));
export const useTeams = () => useLookup("teams", (cursor) => unwrap(api.GET("/api/v1/teams", { params: { query: { limit: 100, cursor } } })));
export const useDepartmentList = () => useLookup("departments", (cursor) => unwrap(api.GET("/api/v1/departments", { params: { query: { limit: 100, cursor } } })));

/** Active members who can work conversations (not viewers), by name. */
export function workable(members: readonly Member[]): Member[] {
  return members.filter((m) => m.active && m.role !== "viewer").sort((a, b) => a.name.localeCompare(b.name));
}

/** Members by user id (assignee names). */
export function useMemberNames(): Map<string, string> {
  const { data } = useAllMembers();
  return useMemo(() => new Map((data ?? []).map((m) => [m.user_id, m.name])), [data]);
}

/** The channel kind's family, for its icon: `whatsapp_cloud` → whatsapp. */
export function channelFamily(kind: string | undefined): "whatsapp" | "webchat" | "instagram" | "messenger" | "telegram" | "email" | "other" {
  const k = (kind ?? "").toLowerCase();
  for (const f of ["whatsapp", "webchat", "instagram", "messenger", "telegram", "email"] as const) if (k.startsWith(f)) return f;
  return "other";
}
