// The API's one error shape, `{"error": {"code", "message", "fields"}}`, as a thrown value, and
// its translation for people: a message per `code` (i18n key `errors.<code>`), falling back to
// the server's English text for codes this build does not know yet.

/** A translate function with untyped keys (error codes are data, not literals). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors;
  /** Seconds from a `Retry-After` header (429), when present. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, fields: FieldErrors = {}, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfter = retryAfter;
  }
}

/** The client's own codes, for failures that never reached the API's error body. */
export const NETWORK_ERROR = "network_error";
export const UNEXPECTED_RESPONSE = "unexpected_response";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseFields(v: unknown): FieldErrors {
  if (!isRecord(v)) return {};
  const out: FieldErrors = {};
  for (const [k, msgs] of Object.entries(v)) {
    if (Array.isArray(msgs)) out[k] = msgs.filter((m): m is string => typeof m === "string");
  }
  return out;
}

/** Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Builds an ApiError from a failed response and its (already parsed) body. */
export function toApiError(response: Response, body: unknown): ApiError {
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  const err = isRecord(body) ? body.error : undefined;
  if (isRecord(err) && typeof err.code === "string") {
    const message = typeof err.message === "string" ? err.message : err.code;
    return new ApiError(response.status, err.code, message, parseFields(err.fields), retryAfter);
  }
  return new ApiError(response.status, UNEXPECTED_RESPONSE, `HTTP ${response.status}`, {}, retryAfter);
}

/** Any thrown value as an ApiError (a failed fetch becomes `network_error`). */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof TypeError) return new ApiError(0, NETWORK_ERROR, e.message);
  return new ApiError(0, UNEXPECTED_RESPONSE, e instanceof Error ? e.message : String(e));
}

/** Formats a wait in seconds as "N min" / "N s" through the translator. */
function waitText(t: Translate, seconds: number): string {
  if (seconds >= 90) return t("time.minutes", { count: Math.ceil(seconds / 60) });
  return t("time.seconds", { count: seconds });
}

/** The message to show for an error: the translation of its code, else the server's text. */
export function errorMessage(t: Translate, e: unknown): string {
  const err = asApiError(e);
  const key = `errors.${err.code}`;
  // An unknown code translates to "" (defaultValue), so the server's text is shown instead.
  const known = t(key, { defaultValue: "" });
  let text = known || err.message || t("errors.unexpected_response");
  if (err.retryAfter != null && err.status === 429) {
    text = `${text} ${t("errors.retry_after", { wait: waitText(t, err.retryAfter) })}`;
  }
  return text;
}

/**
 * Known English field messages of the API (atende-domain's validation errors) mapped to
 * translation keys under `fields.`. Unknown messages are shown as the server wrote them.
 */
const FIELD_MESSAGES: Array<[RegExp, string]> = [
  [/^must be a valid e-mail address$/, "invalid_email"],
  [/^must have at least (\d+) characters$/, "too_short"],
  [/^must have at most (\d+) characters$/, "too_long"],
  [/^must have 1 to (\d+) characters and no control characters$/, "invalid_name"],
  [/^must be 2-63 characters of a-z, 0-9 and inner hyphens$/, "invalid_slug"],
  [/^must be an IANA time zone/, "invalid_time_zone"],
  [/^must be one of admin, supervisor, agent, viewer$/, "invalid_role"],
  [/^must be one of pt-BR, en, es$/, "invalid_locale"],
  [/^must be active or suspended$/, "invalid_status"],
  [/^must be a valid phone number/, "invalid_phone"],
  [/^the password is incorrect$/, "wrong_password"],
  [/^the code is incorrect$/, "wrong_code"],
  [/^choose a password to finish the invitation$/, "password_required"],
  [/^cannot exceed your own role$/, "role_above_own"],
  [/^no such department$/, "no_such_department"],
  [/ is already in use$/, "already_in_use"],
  [/^must be \/ followed by 1 to (\d+) letters, digits, _ or -$/, "invalid_shortcut"],
  [/^must be a colour like/, "invalid_color"],
  [/^must have 1 to (\d+) characters$/, "length_between"],
  [/^must be an http or https URL$/, "invalid_url"],
  [/^is required$/, "required"],
  [/^each origin is scheme:\/\/host/, "invalid_origin"],
  [/^WhatsApp refused these credentials: (.*)$/s, "whatsapp_refused"],
  [/^must be between (-?\d+) and (-?\d+)$/, "between"],
];

/** Translates one field message of the API. */
export function fieldMessage(t: Translate, message: string): string {
  for (const [re, key] of FIELD_MESSAGES) {
    const m = re.exec(message);
    if (m) {
      // The captured part is a number (`count`) or the provider's own words (`reason`).
      const n = m[1] !== undefined && /^\d+$/.test(m[1]) ? Number(m[1]) : 0;
      return t(`fields.${key}`, { count: n, reason: m[1] ?? "", min: m[1] ?? "", max: m[2] ?? "" });
    }
  }
  return message;
}

/** The first translated message for `field`, if the error names it. */
export function fieldError(t: Translate, e: unknown, field: string): string | undefined {
  if (!(e instanceof ApiError)) return undefined;
  const msgs = e.fields[field];
  return msgs && msgs.length > 0 ? fieldMessage(t, msgs[0]!) : undefined;
}
