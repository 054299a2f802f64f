// The message list as the pane draws it (pure, tested): day separators, bubbles with the
// reactions that target them, system notices, and each outbound message's tick state.

import type { Message } from "../../../inbox/queries";

export type Tick = "queued" | "sent" | "delivered" | "read" | "failed";

/** The tick of an outbound message (`played` voice notes count as read); null for the rest. */
export function tickOf(m: Pick<Message, "direction" | "is_private_note" | "status">): Tick | null {
  if (m.direction !== "outbound" || m.is_private_note) return null;
  switch (m.status) {
    case "queued":
    case "sent":
    case "delivered":
    case "read":
    case "failed":
      return m.status;
    case "played":
      return "read";
    default:
      return null;
  }
}

/** The provider's reason for a failure: "Title (code)", either alone, or "". */
export function failureReason(m: Pick<Message, "error">): string {
  const title = m.error?.title?.trim();
  const code = m.error?.code?.trim();
  if (title && code) return `${title} (${code})`;
  return title || code || "";
}

/** Who a reaction (or any message) is from: "contact", or the agent's user id. */
export function authorKey(m: Pick<Message, "direction" | "author" | "author_user_id">): string {
  return m.direction === "inbound" ? "contact" : (m.author_user_id ?? m.author);
}

/** A reaction message read as (target, author, emoji); `emoji` null when it was withdrawn. */
export function reactionOf(m: Message): { target: string; who: string; emoji: string | null } | null {
  if (m.type !== "reaction" || !m.reply_to_id) return null;
  const p = m.payload ?? {};
  const raw = typeof p.emoji === "string" ? p.emoji : (m.body ?? null);
  const emoji = p.removed === true || !raw ? null : raw;
  return { target: m.reply_to_id, who: authorKey(m), emoji };
}

/** One emoji on a bubble and who put it there (in the order they reacted). */
export interface ReactionGroup {
  emoji: string;
  who: string[];
}

export type TimelineItem =
  | { kind: "day"; key: string; day: string }
  | { kind: "system"; key: string; message: Message }
  | { kind: "message"; key: string; message: Message; reactions: ReactionGroup[]; continued: boolean };

/** The local calendar day of an instant, `YYYY-MM-DD`. */
export function localDay(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * When a message happened, as the thread orders and shows it: a customer's message by when they
 * sent it (the provider's timestamp — the API orders the thread by it too, and the 24-hour
 * window counts from it), everything else by when it was written.
 */
export function messageTime(m: Pick<Message, "direction" | "provider_timestamp" | "created_at">): string {
  return m.direction === "inbound" && m.provider_timestamp ? m.provider_timestamp : m.created_at;
}

/** Messages closer than this from the same author read as one run (no repeated name, no tail). */
const RUN_MS = 5 * 60_000;

function isSystem(m: Message): boolean {
  return m.type === "system" || m.author === "system";
}

function sameRun(a: Message, b: Message): boolean {
  return (
    a.direction === b.direction &&
    a.is_private_note === b.is_private_note &&
    authorKey(a) === authorKey(b) &&
    Date.parse(messageTime(b)) - Date.parse(messageTime(a)) < RUN_MS
  );
}

/** Latest reaction per author, grouped by emoji, for every target. */
export function reactionsByTarget(messages: readonly Message[]): Map<string, ReactionGroup[]> {
  const latest = new Map<string, Map<string, string | null>>();
  for (const m of messages) {
    const r = reactionOf(m);
    if (!r) continue;
    const perAuthor = latest.get(r.target) ?? new Map<string, string | null>();
    // Re-inserting moves the author to the end: the order is when each last reacted.
    perAuthor.delete(r.who);
    perAuthor.set(r.who, r.emoji);
    latest.set(r.target, perAuthor);
  }
  const out = new Map<string, ReactionGroup[]>();
  for (const [target, perAuthor] of latest) {
    const groups: ReactionGroup[] = [];
    for (const [who, emoji] of perAuthor) {
      if (!emoji) continue;
      const g = groups.find((x) => x.emoji === emoji);
      if (g) g.who.push(who);
      else groups.push({ emoji, who: [who] });
    }
    if (groups.length) out.set(target, groups);
  }
  return out;
}

/**
 * Oldest-first messages as drawn: a separator before each new day, reactions folded into their
 * targets (a reaction whose target is not loaded is not shown), system messages as notices.
 */
export function buildTimeline(messages: readonly Message[]): TimelineItem[] {
  const reactions = reactionsByTarget(messages);
  const out: TimelineItem[] = [];
  let day = "";
  let prev: Message | null = null;
  for (const m of messages) {
    if (m.type === "reaction") continue;
    const d = localDay(messageTime(m));
    if (d !== day) {
      day = d;
      prev = null;
      out.push({ kind: "day", key: `day-${d}`, day: d });
    }
    if (isSystem(m)) {
      out.push({ kind: "system", key: m.id, message: m });
      prev = null;
      continue;
    }
    out.push({ kind: "message", key: m.id, message: m, reactions: reactions.get(m.id) ?? [], continued: prev !== null && sameRun(prev, m) });
    prev = m;
  }
  return out;
}

/** "Hoje", "Ontem", a weekday within the week, else the date (with the year if not this one). */
export function dayLabel(day: string, now: Date, locale: string, words: { today: string; yesterday: string }): string {
  const [y = 1970, mo = 1, d = 1] = day.split("-").map(Number);
  const date = new Date(y, mo - 1, d);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const diff = Math.round((today.getTime() - date.getTime()) / 86_400_000);
  if (diff === 0) return words.today;
  if (diff === 1) return words.yesterday;
  const text =
    diff > 1 && diff < 7
      ? new Intl.DateTimeFormat(locale, { weekday: "long" }).format(date)
      : new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: y === now.getFullYear() ? undefined : "numeric" }).format(date);
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/** A bubble's time, e.g. "14:05" (or "2:05 PM" in English). */
export function timeOf(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/** The one-line text of a message for quotes, previews and copying. */
export function snippetOf(m: Message): string {
  if (m.body) return m.body;
  const p = m.payload ?? {};
  for (const k of ["title", "text", "name", "address"]) {
    const v = p[k];
    if (typeof v === "string" && v) return v;
  }
  return m.media?.file_name ?? "";
}
