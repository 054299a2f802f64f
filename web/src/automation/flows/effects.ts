// The simulator's transcript: the preview's effects as chat bubbles (what the bot sends) and
// small notes (tags, transfers, webhooks, the end), and which of them are new after the
// customer's latest message. A preview replays the whole conversation, so the replies of
// messages 1..k are a prefix of those of messages 1..k+1.

import type { Effect, EndReason, ListRow, MediaKind, ReplyButton, TransferTarget } from "./types";

export type SimItem =
  | { kind: "text"; text: string }
  | { kind: "media"; media: MediaKind; url: string; caption?: string; fileName?: string }
  | { kind: "template"; name: string; language: string; parameters: string[] }
  | { kind: "buttons"; text: string; buttons: ReplyButton[] }
  | { kind: "list"; text: string; button: string; rows: ListRow[] }
  | { kind: "note"; note: "add_tags" | "remove_tags"; count: number }
  | { kind: "transfer"; target: TransferTarget }
  | { kind: "resolve" }
  | { kind: "webhook"; method: string; url: string }
  | { kind: "wait"; at: string }
  | { kind: "log"; message: string }
  | { kind: "ended"; reason: EndReason };

/** Whether an item is something the customer would receive. */
export function isBubble(i: SimItem): boolean {
  return i.kind === "text" || i.kind === "media" || i.kind === "template" || i.kind === "buttons" || i.kind === "list";
}

/** The transcript items of the effects, in order; scheduling a question's timeout is left out. */
export function simItems(effects: readonly Effect[]): SimItem[] {
  const out: SimItem[] = [];
  for (const e of effects) {
    switch (e.type) {
      case "send_text":
        out.push({ kind: "text", text: e.text });
        break;
      case "send_media":
        out.push({ kind: "media", media: e.kind, url: e.url, caption: e.caption ?? undefined, fileName: e.file_name ?? undefined });
        break;
      case "send_template":
        out.push({ kind: "template", name: e.name, language: e.language, parameters: e.parameters });
        break;
      case "send_buttons":
        out.push({ kind: "buttons", text: e.text, buttons: e.buttons });
        break;
      case "send_list":
        out.push({ kind: "list", text: e.text, button: e.button, rows: e.rows.map((r) => ({ id: r.id, title: r.title, description: r.description ?? undefined })) });
        break;
      case "add_tags":
      case "remove_tags":
        out.push({ kind: "note", note: e.type, count: e.tag_ids.length });
        break;
      case "transfer":
        out.push({ kind: "transfer", target: e.target });
        break;
      case "resolve":
        out.push({ kind: "resolve" });
        break;
      case "call_webhook":
        out.push({ kind: "webhook", method: e.request.method, url: e.request.url });
        break;
      case "schedule_timer":
        out.push({ kind: "wait", at: e.at });
        break;
      case "log":
        out.push({ kind: "log", message: e.message });
        break;
      case "ended":
        out.push({ kind: "ended", reason: e.reason });
        break;
      case "schedule_timeout":
        break;
    }
  }
  return out;
}

export type Turn = { from: "customer"; text: string } | { from: "bot"; item: SimItem };

/**
 * The conversation after the customer's `messages` and the preview of all of them: each customer
 * message followed by what the bot did after it. `perMessage[k]` is how many items the preview
 * of messages 1..k+1 produced (the earlier previews); the last preview's items past the previous
 * count belong to the last message.
 */
export function transcript(messages: readonly string[], perMessage: readonly number[], items: readonly SimItem[]): Turn[] {
  const turns: Turn[] = [];
  let shown = 0;
  messages.forEach((text, k) => {
    turns.push({ from: "customer", text });
    const upTo = k === messages.length - 1 ? items.length : Math.min(perMessage[k] ?? shown, items.length);
    for (; shown < upTo; shown++) turns.push({ from: "bot", item: items[shown]! });
  });
  return turns;
}
