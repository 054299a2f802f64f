// The limits the node forms enforce, mirroring atende-domain's flows/nodes.rs, webhook.rs,
// trigger.rs and validate_nodes.rs (WhatsApp's interactive limits among them). The API checks
// them again at publish; the forms keep people from typing past them in the first place.

import type { QuestionConfig } from "./types";

export const MAX_BUTTONS = 3;
export const MAX_BUTTON_TITLE = 20;
export const MAX_LIST_ROWS = 10;
export const MAX_ROW_TITLE = 24;
export const MAX_ROW_DESCRIPTION = 72;
export const MAX_LIST_BUTTON = 20;
export const MAX_TEXT = 4096;
export const MAX_INTERACTIVE_BODY = 1024;
export const MAX_OPTIONS = 20;
export const MAX_OPTION_TITLE = 100;
export const MAX_RETRIES = 10;
export const MAX_TIMEOUT_MINUTES = 30 * 24 * 60;
export const MIN_DELAY_SECONDS = 1;
export const MAX_DELAY_SECONDS = 30 * 24 * 60 * 60;
export const WEBHOOK_TIMEOUT = { min: 1, max: 30 } as const;
export const MAX_HEADERS = 20;
export const MAX_MAPPINGS = 50;
export const MAX_KEYWORDS = 50;
export const MAX_KEYWORD_LEN = 100;
export const MAX_ID_LEN = 64;
export const MAX_URL = 2048;
export const MAX_FILE_NAME = 240;

/** `[A-Za-z_][A-Za-z0-9_]*`, at most 64 characters: usable as `vars.<name>` in templates. */
export function isVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && name.length <= 64;
}

/** Characters as the API counts them (Unicode scalar values, not UTF-16 units). */
export function charCount(s: string): number {
  return [...s].length;
}

/** Cuts `s` to `max` characters (typing past a limit keeps the first `max`). */
export function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length > max ? chars.slice(0, max).join("") : s;
}

/** Whether options fit reply buttons (question.rs `fits_buttons`). */
export function fitsButtons(q: Pick<QuestionConfig, "options">): boolean {
  const o = q.options ?? [];
  return o.length > 0 && o.length <= MAX_BUTTONS && o.every((x) => charCount(x.title) <= MAX_BUTTON_TITLE);
}

/** Whether options fit a list (question.rs `fits_list`). */
export function fitsList(q: Pick<QuestionConfig, "options">): boolean {
  const o = q.options ?? [];
  return o.length > 0 && o.length <= MAX_LIST_ROWS && o.every((x) => charCount(x.title) <= MAX_ROW_TITLE);
}

export type DelayUnit = "seconds" | "minutes" | "hours" | "days";
export const DELAY_UNITS: readonly DelayUnit[] = ["seconds", "minutes", "hours", "days"];
const UNIT_SECONDS: Record<DelayUnit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/** A delay in seconds as the largest unit that divides it: 7200 → 2 hours. */
export function delayParts(seconds: number): { amount: number; unit: DelayUnit } {
  for (const unit of ["days", "hours", "minutes"] as const) {
    const n = UNIT_SECONDS[unit];
    if (seconds >= n && seconds % n === 0) return { amount: seconds / n, unit };
  }
  return { amount: seconds, unit: "seconds" };
}

/** The seconds of `amount` `unit`s, or null when that is not a whole delay of 1 s to 30 days. */
export function delaySeconds(amount: number, unit: DelayUnit): number | null {
  if (!Number.isFinite(amount)) return null;
  const s = amount * UNIT_SECONDS[unit];
  if (!Number.isInteger(s) || s < MIN_DELAY_SECONDS || s > MAX_DELAY_SECONDS) return null;
  return s;
}

/** An integer typed in a number field, or null when it is not one within [min, max]. */
export function intIn(raw: string, min: number, max: number): number | null {
  if (!/^\s*-?\d+\s*$/.test(raw)) return null;
  const n = Number(raw);
  return n >= min && n <= max ? n : null;
}
