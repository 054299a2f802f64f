// Pure formatting of a list row: when (WhatsApp style) and what (the last message's preview).

import type { Conversation } from "../../../inbox/queries";

const MINUTE = 60_000;
const DAY = 86_400_000;

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * A short time for the list: "agora" under a minute, "há 5 min" under an hour, the clock time
 * today, "ontem", the weekday within the week, then the date (with the year when not this one).
 */
export function listTime(iso: string, now: number, lang: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "";
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: "narrow" });
  const ago = now - at;
  if (ago < MINUTE) return rtf.format(0, "second");
  if (ago < 60 * MINUTE) return rtf.format(-Math.floor(ago / MINUTE), "minute");
  const days = Math.round((startOfDay(now) - startOfDay(at)) / DAY);
  if (days <= 0) return new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" }).format(at);
  if (days === 1) return rtf.format(-1, "day");
  if (days < 7) return new Intl.DateTimeFormat(lang, { weekday: "short" }).format(at);
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(lang, sameYear ? { day: "2-digit", month: "2-digit" } : { day: "2-digit", month: "2-digit", year: "2-digit" }).format(at);
}

export type Preview = NonNullable<Conversation["last_message"]>;

/** Message types shown with an icon and a word when they carry no text. */
export const MEDIA_TYPES = ["image", "audio", "video", "document", "location", "contact", "sticker", "reaction", "template", "interactive", "unsupported"] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export function mediaType(type: string): MediaType | null {
  return (MEDIA_TYPES as readonly string[]).includes(type) ? (type as MediaType) : null;
}

type T = (key: string) => string;

/** The preview as plain text (notifications, screen readers): "Você: Foto", "Olá!". */
export function previewText(t: T, m: Preview | null | undefined): string {
  if (!m) return "";
  const media = mediaType(m.type);
  const body = m.body?.trim() || (media ? t(`conv.media.${media}`) : "");
  return m.direction === "outbound" ? `${t("conv.list.you")}: ${body}` : body;
}

/** Initials for an avatar: "Maria Souza" → "MS", "+55 11…" → "#". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => /\p{L}/u.test(w[0] ?? ""));
  if (words.length === 0) return "#";
  const first = words[0]!.charAt(0);
  const last = words.length > 1 ? words[words.length - 1]!.charAt(0) : "";
  return (first + last).toUpperCase();
}
