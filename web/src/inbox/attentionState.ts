// What calls for the agent's attention: the preferences (sound, desktop notifications), the
// browser's notification permission, and the unread count of the tab title. Pure decisions live
// here too, so they are tested without a browser.

import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";

import type { Conversation } from "./queries";
import type { RealtimeEvent } from "./realtime";

export type Permission = NotificationPermission | "unsupported";

function currentPermission(): Permission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/** The unread count of Mine + Unassigned: conversations with unread messages, not messages. */
export interface UnreadTotals {
  mine: number;
  unassigned: number;
  /** One of the queries hit its page size: the real number may be higher. */
  more: boolean;
}

interface AttentionState {
  sound: boolean;
  notify: boolean;
  /** The "turn on notifications" bar was closed. */
  barDismissed: boolean;
  permission: Permission;
  unread: UnreadTotals;
  setSound: (on: boolean) => void;
  setNotify: (on: boolean) => void;
  dismissBar: () => void;
  /** Asks the browser (call from a click: browsers refuse prompts without a user gesture). */
  requestPermission: () => Promise<void>;
  refreshPermission: () => void;
  setUnread: (u: UnreadTotals) => void;
}

export const useAttention = create<AttentionState>()(
  persist(
    (set) => ({
      sound: true,
      notify: true,
      barDismissed: false,
      permission: currentPermission(),
      unread: { mine: 0, unassigned: 0, more: false },
      setSound: (sound) => set({ sound }),
      setNotify: (notify) => set({ notify }),
      dismissBar: () => set({ barDismissed: true }),
      requestPermission: async () => {
        if (typeof Notification === "undefined") return;
        try {
          const permission = await Notification.requestPermission();
          set((s) => ({ permission, notify: permission === "granted" ? true : s.notify }));
        } catch {
          set({ permission: currentPermission() });
        }
      },
      refreshPermission: () => set({ permission: currentPermission() }),
      setUnread: (unread) => set({ unread }),
    }),
    {
      name: "atende.attention",
      storage: createJSONStorage(() => localStorage),
      partialize: ({ sound, notify, barDismissed }) => ({ sound, notify, barDismissed }),
    },
  ),
);

/** The tab title's prefix: "(3) ", "(99+) " past the counted pages, "" when nothing is unread. */
export function titlePrefix(u: UnreadTotals): string {
  const n = u.mine + u.unassigned;
  if (n === 0) return "";
  return u.more || n > 99 ? "(99+) " : `(${n}) `;
}

/** The prefix AppShell puts before the tab title. */
export function useTitlePrefix(): string {
  return useAttention((s) => titlePrefix(s.unread));
}

/** Conversations of a page with unread messages. */
export function countUnread(items: readonly Pick<Conversation, "unread_count">[]): number {
  return items.filter((c) => c.unread_count > 0).length;
}

/** An inbound message event: the only kind that rings. */
export function isInboundMessage(e: RealtimeEvent): boolean {
  return e.type === "message.created" && !!e.conversation_id && e.data?.direction === "inbound";
}

export interface NotifyContext {
  /** The signed-in user's id. */
  me: string;
  /** The conversation open in this tab, if any. */
  openId: string | undefined;
  /** The tab is visible (document.visibilityState === "visible"). */
  visible: boolean;
}

/**
 * Whether an event calls for a sound and a desktop notification: an inbound message in a
 * conversation that is mine or nobody's, unless the agent is looking at it right now.
 */
export function shouldNotify(e: RealtimeEvent, c: Pick<Conversation, "id" | "assignee_id">, ctx: NotifyContext): boolean {
  if (!isInboundMessage(e) || e.conversation_id !== c.id) return false;
  const mineOrNobodys = !c.assignee_id || c.assignee_id === ctx.me;
  if (!mineOrNobodys) return false;
  return !(ctx.visible && ctx.openId === c.id);
}

/** Events arrive once per subscribed topic (tenant and conversation): ring once per message. */
export function makeSeen(limit = 200) {
  const seen: string[] = [];
  return (key: string): boolean => {
    if (seen.includes(key)) return true;
    seen.push(key);
    if (seen.length > limit) seen.shift();
    return false;
  };
}
