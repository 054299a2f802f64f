// Server state of the inbox: query keys, the list/conversation/messages queries and the mutations
// every pane uses. Realtime events (./realtime.ts) invalidate these keys; nothing else caches
// conversations or messages.

import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InfiniteData, QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { Schemas } from "../api/client";
import { useTenantId } from "../lib/useTenantId";

export type Conversation = Schemas["ConversationView"];
export type Message = Schemas["MessageView"];
export type SendBody = Schemas["SendMessage"];
export type Paged<T> = { items: T[]; next_cursor?: string | null };

/** The list's tabs: whose conversations, and the resolved ones (any assignee). */
export type InboxTab = "mine" | "unassigned" | "all" | "resolved";

/** What the conversation list shows; every field is part of its query key. */
export interface InboxFilters {
  tab: InboxTab;
  /** Comma-separated statuses; "" means the API's default (open, pending, waiting). */
  status: string;
  channelId?: string;
  teamId?: string;
  tagId?: string;
  /** One agent's conversations (the *All* and *Resolved* tabs; *Mine* and the queue set their own). */
  assigneeId?: string;
  unread?: boolean;
  q?: string;
}

export const DEFAULT_FILTERS: InboxFilters = { tab: "mine", status: "" };

export const PAGE_SIZE = 30;
export const MESSAGE_PAGE_SIZE = 40;

export const inboxKeys = {
  all: (tenant: string) => ["conversations", tenant] as const,
  lists: (tenant: string) => ["conversations", tenant, "list"] as const,
  list: (tenant: string, f: InboxFilters) => ["conversations", tenant, "list", f] as const,
  one: (tenant: string, id: string) => ["conversations", tenant, "one", id] as const,
  messages: (tenant: string, id: string) => ["conversations", tenant, "messages", id] as const,
  templates: (tenant: string, channelId: string) => ["templates", tenant, channelId] as const,
};

/** The API query for a set of filters. */
export function listQuery(f: InboxFilters) {
  return {
    status: f.tab === "resolved" ? "resolved" : f.status || undefined,
    assignee: f.tab === "mine" ? "me" : f.tab === "unassigned" ? "none" : f.assigneeId || undefined,
    channel_id: f.channelId || undefined,
    team_id: f.teamId || undefined,
    tag_id: f.tagId || undefined,
    unread: f.unread || undefined,
    q: f.q?.trim() || undefined,
  };
}

/**
 * The list's order: latest activity first, then id (the API's keyset order), with duplicates
 * (a conversation that moved between pages while they loaded) shown once, where it is newest.
 */
export function orderConversations(pages: readonly Paged<Conversation>[]): Conversation[] {
  const byId = new Map<string, Conversation>();
  for (const p of pages) {
    for (const c of p.items) {
      const seen = byId.get(c.id);
      if (!seen || seen.last_message_at < c.last_message_at || seen.updated_at < c.updated_at) byId.set(c.id, c);
    }
  }
  return [...byId.values()].sort((a, b) => {
    const t = Date.parse(b.last_message_at) - Date.parse(a.last_message_at);
    if (t !== 0) return t;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  });
}

/** The conversation list for `filters`, page by page (infinite scroll). */
export function useConversationList(filters: InboxFilters) {
  const tenant = useTenantId();
  return useInfiniteQuery({
    queryKey: inboxKeys.list(tenant, filters),
    enabled: tenant !== "",
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/v1/conversations", { params: { query: { ...listQuery(filters), limit: PAGE_SIZE, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useConversation(id: string | undefined) {
  const tenant = useTenantId();
  return useQuery({
    queryKey: inboxKeys.one(tenant, id ?? ""),
    enabled: tenant !== "" && !!id,
    queryFn: () => unwrap(api.GET("/api/v1/conversations/{id}", { params: { path: { id: id! } } })),
  });
}

/**
 * The messages of a conversation. Pages come newest first (page 0 holds the latest); older pages
 * load with `before` = the oldest id shown. `chronological` flattens them oldest first.
 */
export function useMessages(id: string | undefined) {
  const tenant = useTenantId();
  return useInfiniteQuery({
    queryKey: inboxKeys.messages(tenant, id ?? ""),
    enabled: tenant !== "" && !!id,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/conversations/{id}/messages", {
          params: { path: { id: id! }, query: { limit: MESSAGE_PAGE_SIZE, before: pageParam } },
        }),
      ),
    getNextPageParam: (last) => (last.next_cursor ? last.items.at(-1)?.id : undefined),
  });
}

/** Oldest first, each message once (a refetch may overlap pages). */
export function chronological(data: InfiniteData<Paged<Message>> | undefined): Message[] {
  if (!data) return [];
  const seen = new Set<string>();
  const out: Message[] = [];
  for (const page of [...data.pages].reverse()) {
    for (const m of [...page.items].reverse()) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      out.push(m);
    }
  }
  return out;
}

/**
 * Merges the newest page into loaded messages: new messages join the first page, changed ones
 * (ticks) are replaced where they are. Older pages keep their boundaries, so what the agent reads
 * further up does not move. `null` when the fresh page does not reach what is loaded (more new
 * messages than a page): then the caller refetches everything.
 */
export function mergeNewest(old: InfiniteData<Paged<Message>, unknown>, fresh: readonly Message[]): InfiniteData<Paged<Message>, unknown> | null {
  const first = old.pages[0];
  if (!first) return old;
  const byId = new Map(fresh.map((m) => [m.id, m]));
  const pages = old.pages.map((p) => ({ ...p, items: p.items.map((m) => byId.get(m.id) ?? m) }));
  const known = new Set(pages.flatMap((p) => p.items.map((m) => m.id)));
  const added = fresh.filter((m) => !known.has(m.id));
  if (added.length === fresh.length && fresh.length >= MESSAGE_PAGE_SIZE && known.size > 0) return null;
  // Ids are UUIDv7: their order is the API's (newest first).
  const items = [...added, ...pages[0]!.items].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  pages[0] = { ...pages[0]!, items };
  return { ...old, pages };
}

/** Brings a conversation's newest messages into the cache (see `mergeNewest`). */
export async function refreshNewest(qc: QueryClient, tenant: string, id: string) {
  const key = inboxKeys.messages(tenant, id);
  if (!qc.getQueryData(key)) return; // not shown: the pane loads it when opened
  try {
    const fresh = await unwrap(api.GET("/api/v1/conversations/{id}/messages", { params: { path: { id }, query: { limit: MESSAGE_PAGE_SIZE } } }));
    let refetch = false;
    qc.setQueryData<InfiniteData<Paged<Message>, unknown>>(key, (old) => {
      if (!old) return old;
      const merged = mergeNewest(old, fresh.items);
      refetch = merged === null;
      return merged ?? old;
    });
    if (refetch) void qc.invalidateQueries({ queryKey: key });
  } catch {
    // Lost access or offline: the conversation query reports it; the next event tries again.
  }
}

/** Refetch what shows this conversation (its row in every list, its header, its messages). */
export function invalidateConversation(qc: QueryClient, tenant: string, id: string, messages = true) {
  void qc.invalidateQueries({ queryKey: inboxKeys.lists(tenant) }, { cancelRefetch: false });
  void qc.invalidateQueries({ queryKey: inboxKeys.one(tenant, id) });
  if (messages) void refreshNewest(qc, tenant, id);
}

export function useConversationMutation<V>(id: string, fn: (vars: V) => Promise<unknown>) {
  const qc = useQueryClient();
  const tenant = useTenantId();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => invalidateConversation(qc, tenant, id),
  });
}

/** A fresh Idempotency-Key per send attempt; a retried request reuses the one of its attempt. */
export function newIdempotencyKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function useSendMessage(id: string) {
  return useConversationMutation(id, ({ body, key }: { body: SendBody; key: string }) =>
    unwrap(
      api.POST("/api/v1/conversations/{id}/messages", {
        params: { path: { id }, header: { "Idempotency-Key": key } },
        body,
      }),
    ),
  );
}

export function useRetryMessage(id: string) {
  return useConversationMutation(id, (messageId: string) =>
    unwrap(api.POST("/api/v1/conversations/{id}/messages/{message_id}/retry", { params: { path: { id, message_id: messageId } } })),
  );
}

/** Asks for an inbound message's file again (its download failed): the server queues it. */
export function useRetryMedia(id: string) {
  return useConversationMutation(id, (messageId: string) =>
    unwrap(api.POST("/api/v1/conversations/{id}/messages/{message_id}/media/retry", { params: { path: { id, message_id: messageId } } })),
  );
}

export function useUpdateConversation(id: string) {
  return useConversationMutation(id, (body: Schemas["UpdateConversationBody"]) =>
    unwrap(api.PATCH("/api/v1/conversations/{id}", { params: { path: { id } }, body })),
  );
}

export function useAssign(id: string) {
  return useConversationMutation(id, (body: Schemas["AssignBody"]) =>
    unwrap(api.POST("/api/v1/conversations/{id}/assign", { params: { path: { id } }, body })),
  );
}

export function useTransfer(id: string) {
  return useConversationMutation(id, (body: Schemas["TransferBody"]) =>
    unwrap(api.POST("/api/v1/conversations/{id}/transfer", { params: { path: { id } }, body })),
  );
}

/** Marks the conversation read (and sends WhatsApp's read receipt). */
export function useMarkRead(id: string) {
  const qc = useQueryClient();
  const tenant = useTenantId();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/conversations/{id}/read", { params: { path: { id } } })),
    onSuccess: () => invalidateConversation(qc, tenant, id, false),
  });
}

/** Uploads a file for a later `{type: "media", attachment_id}` send. */
export async function uploadAttachment(file: File): Promise<Schemas["Attachment"]> {
  const form = new FormData();
  form.append("file", file, file.name);
  return unwrap(
    api.POST("/api/v1/uploads", {
      body: form as never,
      bodySerializer: (b: unknown) => b as FormData,
    }),
  );
}

/** Approved and pending templates of a channel (the picker sends only approved ones). */
export function useTemplates(channelId: string | undefined) {
  const tenant = useTenantId();
  return useQuery({
    queryKey: inboxKeys.templates(tenant, channelId ?? ""),
    enabled: tenant !== "" && !!channelId,
    staleTime: 60_000,
    queryFn: () => unwrap(api.GET("/api/v1/whatsapp/templates", { params: { query: { channel_id: channelId, limit: 200 } } })),
  });
}
