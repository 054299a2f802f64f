// Triggers for people: a short phrase per trigger for the list and the settings panel, and the
// cleaning applied before saving (keywords trimmed, blank lines dropped).

import type { Translate } from "../../api/errors";
import type { Trigger, TriggerKind } from "./types";

/** A new trigger of `kind`. */
export function newTrigger(kind: TriggerKind, firstChannel = ""): Trigger {
  switch (kind) {
    case "keyword":
      return { kind, match: "equals", keywords: [] };
    case "new_conversation":
      return { kind, channel_id: firstChannel };
    default:
      return { kind };
  }
}

/** Keywords trimmed, without blanks. */
export function cleanTriggers(triggers: readonly Trigger[]): Trigger[] {
  return triggers.map((tr) => (tr.kind === "keyword" ? { ...tr, keywords: tr.keywords.map((k) => k.trim()).filter((k) => k !== "") } : tr));
}

/** "Palavra-chave (igual a): oi, menu", "Primeira mensagem", … */
export function triggerText(t: Translate, tr: Trigger, channelName: (id: string) => string): string {
  switch (tr.kind) {
    case "keyword": {
      const words = tr.keywords.map((k) => k.trim()).filter(Boolean);
      return t("automation.triggers.summary.keyword", { match: t(`automation.triggers.match.${tr.match ?? "equals"}`), words: words.join(", ") || "—" });
    }
    case "new_conversation":
      return t("automation.triggers.summary.new_conversation", { channel: channelName(tr.channel_id) || "?" });
    default:
      return t(`automation.triggers.kinds.${tr.kind}`);
  }
}

/** All triggers in one line; "Nenhum gatilho" when there is none. */
export function triggersSummary(t: Translate, triggers: readonly Trigger[], channelName: (id: string) => string): string {
  if (triggers.length === 0) return t("automation.triggers.none");
  return triggers.map((tr) => triggerText(t, tr, channelName)).join(" · ");
}
