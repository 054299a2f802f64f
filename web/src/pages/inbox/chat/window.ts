// WhatsApp's 24-hour customer-service window (pure, tested): whether free-form messages may go,
// and the countdown shown when it closes soon.

import type { Conversation } from "../../../inbox/queries";

/** The countdown shows when the window closes within this long. */
export const WINDOW_WARN_MS = 4 * 3_600_000;

export interface WindowState {
  /** Free-form messages may go (always true for channels without a window). */
  open: boolean;
  /** Milliseconds until it closes, when it is open and closes within WINDOW_WARN_MS. */
  closesInMs: number | null;
}

export function windowState(c: Pick<Conversation, "window_open" | "window_closes_at">, now: number): WindowState {
  const closes = c.window_closes_at ? Date.parse(c.window_closes_at) : Number.NaN;
  // The server said open when it answered; the window may have closed since.
  const open = c.window_open && !(Number.isFinite(closes) && closes <= now);
  const left = closes - now;
  return { open, closesInMs: open && Number.isFinite(left) && left <= WINDOW_WARN_MS ? left : null };
}

/** "3 h" or "25 min" in the UI language (whole hours from 1 h up, rounded down; else minutes). */
export function formatRemaining(ms: number, locale: string): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const [value, unit] = minutes >= 60 ? [Math.floor(minutes / 60), "hour"] : [minutes, "minute"];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short" }).format(value);
}
