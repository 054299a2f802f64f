// Mounted once by the signed-in shell: runs the realtime connection for the current tenant and
// turns its events into refetches of what they touch. Events carry ids, not content (the server
// checks visibility per event; the screens read through the API, which checks again).

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { useSession } from "../auth/session";
import { useTenantId } from "../lib/useTenantId";
import { inboxKeys } from "./queries";
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
    case "conversation.created":
    case "conversation.updated":
    case "conversation.assigned":
    case "read":
      return id ? [inboxKeys.lists(tenant), inboxKeys.one(tenant, id)] : [inboxKeys.lists(tenant)];
    default:
      return [];
  }
}

/** Coalesces bursts: each key is refetched at most once per window. */
const COALESCE_MS = 250;

export function RealtimeBridge() {
  const qc = useQueryClient();
  const tenant = useTenantId();
  const signedIn = useSession((s) => s.session !== null);
  const generation = useRealtime((s) => s.generation);

  useEffect(() => {
    if (!signedIn || !tenant) return;
    realtime.start();
    const off = realtime.subscribe("tenant");
    const pending = new Map<string, readonly unknown[]>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      for (const key of pending.values()) void qc.invalidateQueries({ queryKey: key });
      pending.clear();
    };
    const offEvent = realtime.onEvent((e) => {
      if (e.tenant_id !== tenant) return;
      for (const key of keysFor(tenant, e)) pending.set(JSON.stringify(key), key);
      if (pending.size && !timer) timer = setTimeout(flush, COALESCE_MS);
    });
    return () => {
      off();
      offEvent();
      if (timer) clearTimeout(timer);
      realtime.stop();
    };
  }, [signedIn, tenant, qc]);

  // Reconnected: events may have been missed meanwhile.
  useEffect(() => {
    if (generation > 0 && tenant) void qc.invalidateQueries({ queryKey: inboxKeys.all(tenant) });
  }, [generation, tenant, qc]);

  return null;
}
