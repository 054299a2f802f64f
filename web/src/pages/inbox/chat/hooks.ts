// The chat pane's effects and small queries: the conversation's realtime topic, marking it read,
// our typing signal and who else types, the channel and the quick replies.

import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../../api/client";
import { useChannels, useDepartmentList, useMemberNames, useTeams } from "../../../inbox/lookups";
import { useMarkRead } from "../../../inbox/queries";
import type { Conversation } from "../../../inbox/queries";
import { realtime, typersIn, useRealtime } from "../../../inbox/realtime";
import { useMe, useRole } from "../../../lib/me";
import { can } from "../../../lib/permissions";
import { useTenantId } from "../../../lib/useTenantId";
import type { Directory } from "./system";

/** The current time, refreshed every `ms` while `enabled` (the chat's and the list's clock). */
export function useNow(ms: number, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    const h = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(h);
  }, [ms, enabled]);
  return now;
}

function subscribeVisibility(fn: () => void) {
  document.addEventListener("visibilitychange", fn);
  return () => document.removeEventListener("visibilitychange", fn);
}

/** Whether this tab is the one the person looks at. */
export function usePageVisible(): boolean {
  return useSyncExternalStore(
    subscribeVisibility,
    () => document.visibilityState !== "hidden",
    () => true,
  );
}

/** Keeps `conversation:{id}` subscribed while the pane shows it (typing events come there). */
export function useConversationTopic(conversationId: string) {
  useEffect(() => realtime.subscribe(`conversation:${conversationId}`), [conversationId]);
}

/**
 * Marks the conversation read when it opens and whenever it has unread messages again while it
 * shows in a visible tab (new inbound messages refetch it with `unread_count > 0`), for who may
 * work conversations only.
 */
export function useMarkReadWhenSeen(conversationId: string, conv: Conversation | undefined) {
  const { mutate, isPending } = useMarkRead(conversationId);
  // A viewer looking must not clear the team's unread.
  const canWork = can(useRole(), "conversations.work");
  const visible = usePageVisible();
  const done = useRef("");
  const unread = conv?.unread_count ?? 0;
  const stamp = conv ? `${conv.last_message_at}:${unread}` : "";
  useEffect(() => {
    if (!canWork || unread <= 0 || !visible || isPending || done.current === stamp) return;
    done.current = stamp;
    mutate();
  }, [canWork, unread, visible, isPending, stamp, mutate]);
}

/** A "typing on" repeats this often while typing (others' indicators last 6 s). */
export const TYPING_REPEAT_MS = 3_000;
/** "Typing off" goes after this long without a keystroke. */
export const TYPING_IDLE_MS = 4_000;

/** Our typing signal: `ping()` on each keystroke, `stop()` on send; stops on unmount. */
export function useTypingSender(conversationId: string) {
  const lastOn = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stop = useCallback(() => {
    if (idle.current) clearTimeout(idle.current);
    idle.current = null;
    if (lastOn.current) realtime.typing(conversationId, false);
    lastOn.current = 0;
  }, [conversationId]);
  const ping = useCallback(() => {
    const now = Date.now();
    if (now - lastOn.current >= TYPING_REPEAT_MS) {
      realtime.typing(conversationId, true);
      lastOn.current = now;
    }
    if (idle.current) clearTimeout(idle.current);
    idle.current = setTimeout(stop, TYPING_IDLE_MS);
  }, [conversationId, stop]);
  useEffect(() => stop, [stop]);
  return { ping, stop };
}

/** Names of who types in the conversation now (the customer, colleagues), never ourselves. */
export function useTypers(conversationId: string, contactName: string): string[] {
  const entries = useRealtime((s) => s.typing[conversationId]);
  const now = useNow(1_000, !!entries && Object.keys(entries).length > 0);
  const me = useMe().data?.user.id;
  const members = useMemberNames();
  if (!entries) return [];
  return typersIn({ [conversationId]: entries }, conversationId, now)
    .filter((who) => who !== me)
    .map((who) => (who === "contact" ? contactName : (members.get(who) ?? "")))
    .filter(Boolean);
}

/** "contact" or a user id → the name to show (the contact's, "você", a colleague's). */
export function useNameOf(contactName: string): (who: string) => string {
  const { t } = useTranslation();
  const me = useMe().data?.user.id;
  const members = useMemberNames();
  return useCallback(
    (who: string) => (who === "contact" ? contactName : who === me ? t("chat.author.you") : (members.get(who) ?? t("chat.author.agent"))),
    [contactName, me, members, t],
  );
}

/** The conversation's channel (its kind and name for the header), from the list's lookup cache. */
export function useChannel(channelId: string | undefined) {
  const channels = useChannels();
  return { data: channels.find((c) => c.id === channelId) };
}

/** The tenant's quick replies (first 200), filtered in the browser as the agent types. */
export function useQuickReplies(enabled: boolean) {
  const tenant = useTenantId();
  return useQuery({
    // Under "quick-replies" so the settings page's changes refresh it.
    queryKey: ["quick-replies", tenant, "composer"],
    enabled: enabled && tenant !== "",
    staleTime: 5 * 60_000,
    queryFn: () => unwrap(api.GET("/api/v1/quick-replies", { params: { query: { limit: 200 } } })),
  });
}

/** Names for system messages: members, teams and departments by id, and who "you" is. */
export function useDirectory(): Directory {
  const me = useMe().data?.user.id ?? null;
  const members = useMemberNames();
  const teams = useTeams();
  const departments = useDepartmentList();
  return useMemo(
    () => ({
      me,
      members,
      teams: new Map(teams.map((x) => [x.id, x.name])),
      departments: new Map(departments.map((x) => [x.id, x.name])),
    }),
    [me, members, teams, departments],
  );
}
