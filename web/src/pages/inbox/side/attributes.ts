// A contact's custom attributes as the side panel edits them: text in, JSON values out (a number
// or a boolean stays one when the text reads as it), and the PATCH bodies the API merges key by
// key (a key set to null is removed).

import type { Schemas } from "../../../api/client";

export type AttributeValue = string | number | boolean;
export type UpdateContactBody = Schemas["UpdateContactBody"];

/** The API's limit on a key's length. */
export const ATTRIBUTE_KEY_MAX = 64;

/** "42" → 42, "-1.5" → -1.5, "true" → true; anything else (even "007" or "1e3") stays text. */
export function parseAttributeValue(text: string): AttributeValue {
  const s = text.trim();
  if (s === "true") return true;
  if (s === "false") return false;
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n) && String(n) === s) return n;
  }
  return s;
}

/** How a stored value reads in the panel; objects and arrays (set through the API) as JSON. */
export function attributeText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Only plain values are edited in the panel: a structured one would be flattened to text. */
export function isEditable(v: unknown): boolean {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}

/** A key as the API takes it (trimmed), or null when it cannot be one. */
export function normalizeKey(key: string): string | null {
  const k = key.trim();
  // Keys are 1–64 characters without control characters.
  // eslint-disable-next-line no-control-regex
  if (k.length === 0 || [...k].length > ATTRIBUTE_KEY_MAX || /[\u0000-\u001f\u007f-\u009f]/.test(k)) return null;
  return k;
}

/** Sets (adds or replaces) one attribute. */
export function setAttributeBody(key: string, text: string): UpdateContactBody {
  return { custom_attributes: { [key]: parseAttributeValue(text) } };
}

/** Removes one attribute. */
export function removeAttributeBody(key: string): UpdateContactBody {
  return { custom_attributes: { [key]: null } };
}

/** The attributes in a stable order for display. */
export function attributeEntries(attrs: Record<string, unknown> | null | undefined): Array<[string, unknown]> {
  return Object.entries(attrs ?? {}).sort(([a], [b]) => a.localeCompare(b));
}
