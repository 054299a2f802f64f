// Mounted once by the signed-in shell: runs the realtime connection for the current tenant and
// turns its events into refetches of what they touch. Events carry ids, not content (the server
// checks visibility per event; the screens read through the API, which checks again).

import { useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { useSession } from "../auth/session";
import { useTenantId } from "../lib/useTenantId";
import { inboxKeys, refreshNewest } from "./queries";
import { realtime, useRealtime } from "./realtime";
import type { RealtimeEvent } from "./realtime";

/** Which query keys an event makes stale. */
export function keysFor(tenant: string, e: RealtimeEvent): (readonly unknown[])[] {
  const id = e.conversation_id;
  switch (e.type) {
    case "message.created":
      return id ? [inboxKeys.lists(tenant), inboxKeys.one(tenant, id), inboxKeys.messages(tenant, id)] : [inboxKeys.lists(tenant)];
    case "message.status_changed":
      return id ? [inboxKeys.messages(tenant, id), inboxKeys.lists(tenant)] : [];
    case "message.updated":
      // A file that arrived on "try again": only the thread shows it.
      return id ? [inboxKeys.messages(tenant, id)] : [];
    case "conversation.created":
    case "conversation.updated":
    case "conversation.assigned":
    case "read":
      return id ? [inboxKeys.lists(tenant), inboxKeys.one(tenant, id)] : [inboxKeys.lists(tenant)];
    default:
      return [];
  }
}

/**
 * Coalesces bursts: each key is refetched at most once per window. The open conversation's
 * messages follow closely; the lists (every agent's screen refetches them on every event of the
 * tenant) wait longer, so a busy tenant costs each screen at most one list request a second.
 */
const COALESCE_MS = 250;
const LIST_COALESCE_MS = 1_000;

/** Query keys to refresh together once `ms` after the first one arrives. */
class Batcher {
  private pending = new Map<string, readonly unknown[]>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  constructor(
    private run: (key: readonly unknown[]) => void,
    private ms: number,
  ) {}
  add(key: readonly unknown[]) {
    this.pending.set(JSON.stringify(key), key);
    this.timer ??= setTimeout(() => this.flush(), this.ms);
  }
  cancel() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
  private flush() {
    this.timer = null;
    for (const key of this.pending.values()) this.run(key);
    this.pending.clear();
  }
}

/**
 * Refreshes one key: a conversation's messages by merging their newest page (older pages keep
 * their place), anything else by invalidation — without cancelling a page that is loading
 * (infinite scroll would starve on a busy tenant).
 */
function refresher(qc: QueryClient, tenant: string) {
  return (key: readonly unknown[]) => {
    if (key[2] === "messages" && typeof key[3] === "string") void refreshNewest(qc, tenant, key[3]);
    else void qc.invalidateQueries({ queryKey: key }, { cancelRefetch: false });
  };
}

export function RealtimeBridge() {
  const qc = useQueryClient();
  const tenant = useTenantId();
  const signedIn = useSession((s) => s.session !== null);
  const generation = useRealtime((s) => s.generation);

  useEffect(() => {
    if (!signedIn || !tenant) return;
    realtime.start();
    const off = realtime.subscribe("tenant");
    const lists = JSON.stringify(inboxKeys.lists(tenant));
    const run = refresher(qc, tenant);
    const batches = [new Batcher(run, COALESCE_MS), new Batcher(run, LIST_COALESCE_MS)] as const;
    const offEvent = realtime.onEvent((e) => {
      if (e.tenant_id !== tenant) return;
      for (const key of keysFor(tenant, e)) batches[JSON.stringify(key) === lists ? 1 : 0].add(key);
    });
    return () => {
      off();
      offEvent();
      for (const b of batches) b.cancel();
      realtime.stop();
    };
  }, [signedIn, tenant, qc]);

  // Reconnected: events may have been missed meanwhile.
  useEffect(() => {
    if (generation > 0 && tenant) void qc.invalidateQueries({ queryKey: inboxKeys.all(tenant) });
  }, [generation, tenant, qc]);

  return null;
}
