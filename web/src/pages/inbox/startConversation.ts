// Starting a conversation (pure, tested): a number as people type it in Brazil, normalised to
// E.164 like the server does (`PhoneE164`: Brazil when there is no country code, the ninth digit
// restored on old 8-digit mobiles), and the request's body.

import type { Schemas } from "../../api/client";
import type { SendBody } from "../../inbox/queries";

export type StartBody = Schemas["StartConversation"];

/**
 * `(11) 98765-4321`, `11 8765-4321`, `+55 11 98765-4321`, `5511987654321` → `+5511987654321`;
 * other countries need their `+` code. Null when it cannot be a phone number.
 */
export function normalizePhone(raw: string): string | null {
  const text = raw.trim();
  if (!text || /[^\d\s+().\-/]/.test(text)) return null;
  const plus = text.startsWith("+");
  let digits = text.replace(/\D/g, "");
  if (!plus && digits.startsWith("0")) digits = digits.replace(/^0+/, ""); // 011 9…: the trunk 0
  if (!plus || digits.startsWith("55")) {
    let national = plus || (digits.startsWith("55") && digits.length >= 12) ? digits.slice(2) : digits;
    if (national.length === 10 && /^[1-9][1-9][6-9]/.test(national)) national = `${national.slice(0, 2)}9${national.slice(2)}`;
    if (national.length !== 10 && national.length !== 11) return null;
    if (!/^[1-9][1-9]/.test(national)) return null;
    return `+55${national}`;
  }
  return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
}

/** `+5511987654321` → `+55 11 98765-4321` (other countries as they are). */
export function displayPhone(e164: string): string {
  const m = /^\+55(\d{2})(\d{4,5})(\d{4})$/.exec(e164);
  return m ? `+55 ${m[1]} ${m[2]}-${m[3]}` : e164;
}

/** The request: a contact by id, or a number (with an optional name), and the template send. */
export function startBody(channelId: string, who: { contactId: string } | { phone: string; name: string }, template: SendBody): StartBody {
  const { name, language, header, body, buttons } = template as Extract<SendBody, { type: "template" }>;
  const tpl = { name, language, ...(header ? { header } : {}), ...(body ? { body } : {}), ...(buttons?.length ? { buttons } : {}) };
  if ("contactId" in who) return { channel_id: channelId, contact_id: who.contactId, template: tpl };
  const n = who.name.trim();
  return { channel_id: channelId, phone: who.phone, ...(n ? { name: n } : {}), template: tpl };
}
