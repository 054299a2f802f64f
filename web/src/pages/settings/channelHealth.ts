// A degraded channel in words: "Instável — limite de envios por segundo do número atingido há 3
// min". Shared by the channel card (Settings → Channels) and the inbox's chat banner.

import type { Schemas } from "../../api/client";
import type { Translate } from "../../api/errors";

export type ChannelHealthView = Pick<Schemas["ChannelView"], "health" | "provider_error">;
type T = Translate;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Provider codes with a sentence of their own (`channels.health.codes.*`). */
export const KNOWN_CODES = ["130429", "131048", "80007", "4", "368", "131031", "131042", "delivery_error"] as const;

/** Whether the channel's last send failed for a reason of the channel. */
export function isDegraded(c: ChannelHealthView | undefined | null): boolean {
  return !!c && c.health === "degraded" && !!c.provider_error;
}

/** "há 3 min", "há 2 h", "há 1 dia" (`numeric: "always"`: "agora" would hide how long). */
export function ago(iso: string, now: number, lang: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "";
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  const d = Math.max(0, now - at);
  if (d < MINUTE) return rtf.format(0, "second");
  if (d < HOUR) return rtf.format(-Math.floor(d / MINUTE), "minute");
  if (d < DAY) return rtf.format(-Math.floor(d / HOUR), "hour");
  return rtf.format(-Math.floor(d / DAY), "day");
}

/** The error in the agent's language when its code is known, else the provider's text and code. */
export function errorText(t: T, e: NonNullable<ChannelHealthView["provider_error"]>): string {
  if ((KNOWN_CODES as readonly string[]).includes(e.code)) return t(`channels.health.codes.${e.code}`);
  const title = e.title.trim();
  return title ? `${title} (${e.code})` : e.code;
}

/** "Instável — <erro> há 3 min", or null for a healthy channel. */
export function degradedLabel(t: T, c: ChannelHealthView, now: number, lang: string): string | null {
  if (!isDegraded(c) || !c.provider_error) return null;
  return t("channels.health.degradedSince", { error: errorText(t, c.provider_error), ago: ago(c.provider_error.at, now, lang) });
}
