// Quick replies in the composer (pure, tested): typing `/` at the start of the message opens a
// list of the tenant's replies filtered by what follows, on the shortcut or the text.

import type { Schemas } from "../../../api/client";
import { fold, matchesWords } from "./text";

export type QuickReply = Schemas["QuickReplyView"];

/** At most this many suggestions show at once. */
export const QUICK_REPLY_LIMIT = 8;

/** What to search for when the message is a `/` command (`"/sau"` → `"sau"`), else null. */
export function slashQuery(text: string): string | null {
  const m = /^\/([^\n]*)$/.exec(text);
  return m ? m[1]! : null;
}

/**
 * The replies matching `query`: shortcuts starting with it first, then those whose shortcut,
 * title or text hold every word of it.
 */
export function filterQuickReplies(list: readonly QuickReply[], query: string, limit = QUICK_REPLY_LIMIT): QuickReply[] {
  const q = fold(query.trim().replace(/^\/+/, ""));
  const short = (r: QuickReply) => fold(r.shortcut.replace(/^\/+/, ""));
  const prefix = list.filter((r) => short(r).startsWith(q));
  const words = list.filter((r) => !prefix.includes(r) && matchesWords(q, [r.shortcut, r.title, r.content]));
  return [...prefix, ...words].slice(0, limit);
}
