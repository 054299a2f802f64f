// Mounted once by the signed-in shell: rings and shows a desktop notification for inbound
// messages in conversations that are mine or unassigned (not while the agent is looking at that
// conversation), and keeps the unread count of the tab title.
//
// The unread count is derived from two small queries, GET /conversations?unread=true with
// assignee=me and assignee=none (limit 100 each), kept under the list key prefix: every realtime
// event that refreshes the lists (new message, read, assignment) refreshes the count too, with the
// same coalescing and no polling. It counts conversations with unread messages, as WhatsApp does.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate, useRouterState } from "@tanstack/react-router";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../api/client";
import type { Translate } from "../api/errors";
import { useMe } from "../lib/me";
import { useTenantId } from "../lib/useTenantId";
import { previewText } from "../pages/inbox/list/format";
import { countUnread, isInboundMessage, makeSeen, shouldNotify, useAttention } from "./attentionState";
import { playChime, unlockAudioOnGesture } from "./attentionSound";
import { inboxKeys } from "./queries";
import type { Conversation } from "./queries";
import { realtime } from "./realtime";
import type { RealtimeEvent } from "./realtime";

const UNREAD_LIMIT = 100;

function useUnreadCount(tenant: string, assignee: "me" | "none") {
  return useQuery({
    queryKey: [...inboxKeys.lists(tenant), "unread", assignee],
    enabled: tenant !== "",
    queryFn: () => unwrap(api.GET("/api/v1/conversations", { params: { query: { unread: true, assignee, limit: UNREAD_LIMIT } } })),
    select: (page) => ({ count: countUnread(page.items), more: !!page.next_cursor }),
  });
}

function useUnreadTotals(tenant: string) {
  const setUnread = useAttention((s) => s.setUnread);
  const mine = useUnreadCount(tenant, "me").data;
  const none = useUnreadCount(tenant, "none").data;
  useEffect(() => {
    setUnread({ mine: mine?.count ?? 0, unassigned: none?.count ?? 0, more: !!(mine?.more || none?.more) });
  }, [mine, none, setUnread]);
  useEffect(() => () => setUnread({ mine: 0, unassigned: 0, more: false }), [setUnread]);
}

/** The conversation id of the route `/inbox/$conversationId`, if open. */
export function openConversationId(pathname: string): string | undefined {
  const m = /^\/inbox\/([^/]+)\/?$/.exec(pathname);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined; // a malformed %-escape in a typed URL
  }
}

export function Attention() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const tenant = useTenantId();
  const me = useMe().data?.user.id ?? "";
  const navigate = useNavigate();
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  useUnreadTotals(tenant);

  // The listener reads these through a ref: it stays subscribed across navigation.
  const live = useRef({ openId: openConversationId(pathname), me, t: t as unknown as Translate, navigate });
  useEffect(() => {
    live.current = { openId: openConversationId(pathname), me, t: t as unknown as Translate, navigate };
  });

  useEffect(() => unlockAudioOnGesture(), []);
  useEffect(() => {
    const refresh = () => useAttention.getState().refreshPermission();
    window.addEventListener("focus", refresh);
    return () => window.removeEventListener("focus", refresh);
  }, []);

  useEffect(() => {
    if (!tenant) return;
    const seen = makeSeen();
    return realtime.onEvent((e) => {
      if (e.tenant_id !== tenant || !isInboundMessage(e)) return;
      if (e.message_id && seen(e.message_id)) return;
      const id = e.conversation_id!;
      void qc
        .fetchQuery({
          queryKey: inboxKeys.one(tenant, id),
          queryFn: () => unwrap(api.GET("/api/v1/conversations/{id}", { params: { path: { id } } })),
          staleTime: 0,
        })
        .then((c) => alert(e, c))
        .catch(() => undefined);
    });

    function alert(e: RealtimeEvent, c: Conversation) {
      const { openId, me: myId, t: tr, navigate: go } = live.current;
      const ctx = { me: myId, openId, visible: document.visibilityState === "visible" };
      if (!shouldNotify(e, c, ctx)) return;
      const prefs = useAttention.getState();
      if (prefs.sound) playChime();
      if (!prefs.notify || prefs.permission !== "granted" || typeof Notification === "undefined") return;
      try {
        const n = new Notification(c.contact.name, {
          body: previewText(tr, c.last_message) || tr("conv.attention.newMessage"),
          tag: `atende-${c.id}`,
          icon: "/icons/icon-192.png",
        });
        n.onclick = () => {
          window.focus();
          void go({ to: "/inbox/$conversationId", params: { conversationId: c.id } });
          n.close();
        };
      } catch {
        // Some platforms (Android Chrome) only allow notifications from a service worker.
      }
    }
  }, [tenant, qc]);

  return null;
}
