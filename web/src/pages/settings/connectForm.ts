// The WhatsApp connect form's rules (pure, tested): the admin's own verify token, checked as the
// API checks it (8–128 URL-safe characters; it travels in Meta's `hub.verify_token` query), or a
// generated one when the field is left empty.

export const VERIFY_TOKEN_MIN = 8;
export const VERIFY_TOKEN_MAX = 128;

/** Why a typed verify token is refused ("length" or "charset"), or null when it is fine or empty. */
export function verifyTokenProblem(token: string): "length" | "charset" | null {
  const v = token.trim();
  if (v === "") return null;
  if (v.length < VERIFY_TOKEN_MIN || v.length > VERIFY_TOKEN_MAX) return "length";
  if (!/^[A-Za-z0-9._~-]+$/.test(v)) return "charset";
  return null;
}

/** The token to send: the admin's (trimmed), or `generate()` when the field is empty. */
export function chosenVerifyToken(typed: string, generate: () => string): string {
  return typed.trim() || generate();
}
