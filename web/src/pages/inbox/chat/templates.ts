// WhatsApp templates in the picker (pure, tested): the parts of Graph's component list, the
// parameters a template asks for, a preview filled with the typed values, and the send body.
//
// `components` is Graph's list: HEADER (format TEXT with `{{…}}` in `text`, or IMAGE / VIDEO /
// DOCUMENT), BODY (`text`), FOOTER, BUTTONS (URL buttons may end in `{{1}}`). Placeholders are
// `{{1}}`… (parameter_format POSITIONAL, sent as a list) or `{{nome}}` (NAMED, sent as an object).

import type { Schemas } from "../../../api/client";
import type { SendBody } from "../../../inbox/queries";

export type Template = Schemas["TemplateView"];

interface GraphButton {
  type?: string;
  text?: string;
  url?: string;
  example?: string[];
}

interface GraphComponent {
  type?: string;
  format?: string;
  text?: string;
  buttons?: GraphButton[];
  example?: {
    header_text?: string[];
    header_text_named_params?: Array<{ param_name?: string; example?: string }>;
    body_text?: string[][];
    body_text_named_params?: Array<{ param_name?: string; example?: string }>;
  };
}

export type MediaFormat = "image" | "video" | "document";

export interface TemplateParts {
  /** TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION, or null without a header. */
  headerFormat: string | null;
  header: string | null;
  body: string;
  footer: string | null;
  buttons: Array<{ type: string; text: string; url: string | null }>;
}

export interface TemplateParam {
  /** Unique in the template: "header:1", "body:nome", "button:0". */
  id: string;
  slot: "header" | "body" | "button";
  /** The placeholder's name ("1", "nome"); the button's index for URL buttons; "media". */
  key: string;
  /** An example value from the template, for the input's placeholder. */
  example: string;
  /** A media header's kind: the value is the file's https link. */
  media?: MediaFormat;
  /** A URL button's index. */
  index?: number;
}

/** Parameter values by `TemplateParam.id`. */
export type ParamValues = Record<string, string>;

function componentsOf(t: Pick<Template, "components">): GraphComponent[] {
  const c: unknown = t.components;
  return Array.isArray(c) ? (c as GraphComponent[]) : [];
}

function find(t: Pick<Template, "components">, type: string): GraphComponent | undefined {
  return componentsOf(t).find((c) => (c.type ?? "").toUpperCase() === type);
}

export function templateParts(t: Pick<Template, "components">): TemplateParts {
  const header = find(t, "HEADER");
  return {
    headerFormat: header ? (header.format ?? "TEXT").toUpperCase() : null,
    header: header?.text ?? null,
    body: find(t, "BODY")?.text ?? "",
    footer: find(t, "FOOTER")?.text ?? null,
    buttons: (find(t, "BUTTONS")?.buttons ?? []).map((b) => ({ type: (b.type ?? "").toUpperCase(), text: b.text ?? "", url: b.url ?? null })),
  };
}

const PLACEHOLDER = /\{\{\s*([\p{L}\p{N}_]+)\s*\}\}/gu;

/** The placeholders of a text, each once: numbers in numeric order, names as they appear. */
export function placeholders(text: string | null | undefined): string[] {
  const seen: string[] = [];
  for (const m of (text ?? "").matchAll(PLACEHOLDER)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen.every((k) => /^\d+$/.test(k)) ? seen.sort((a, b) => Number(a) - Number(b)) : seen;
}

function examplesOf(keys: string[], positional: string[] | undefined, named: Array<{ param_name?: string; example?: string }> | undefined): string[] {
  return keys.map((k, i) => named?.find((n) => n.param_name === k)?.example ?? positional?.[/^\d+$/.test(k) ? Number(k) - 1 : i] ?? "");
}

/** Every value the template needs, in form order: header, body, then URL buttons. */
export function templateParams(t: Pick<Template, "components">): TemplateParam[] {
  const out: TemplateParam[] = [];
  const header = find(t, "HEADER");
  const format = (header?.format ?? "TEXT").toUpperCase();
  if (header && format === "TEXT") {
    const keys = placeholders(header.text);
    const ex = examplesOf(keys, header.example?.header_text, header.example?.header_text_named_params);
    keys.forEach((key, i) => out.push({ id: `header:${key}`, slot: "header", key, example: ex[i] ?? "" }));
  } else if (header && (format === "IMAGE" || format === "VIDEO" || format === "DOCUMENT")) {
    out.push({ id: "header:media", slot: "header", key: "media", example: "", media: format.toLowerCase() as MediaFormat });
  }
  const body = find(t, "BODY");
  const keys = placeholders(body?.text);
  const ex = examplesOf(keys, body?.example?.body_text?.[0], body?.example?.body_text_named_params);
  keys.forEach((key, i) => out.push({ id: `body:${key}`, slot: "body", key, example: ex[i] ?? "" }));
  (find(t, "BUTTONS")?.buttons ?? []).forEach((b, index) => {
    if ((b.type ?? "").toUpperCase() === "URL" && placeholders(b.url).length > 0) {
      const example = b.example?.[0] ?? "";
      out.push({ id: `button:${index}`, slot: "button", key: String(index), index, example });
    }
  });
  return out;
}

/** `text` with each `{{key}}` replaced by its typed value (left as is while empty). */
export function fillText(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => {
    const v = values[key]?.trim();
    return v ? v : whole;
  });
}

function slotValues(values: ParamValues, slot: TemplateParam["slot"]): Record<string, string> {
  const out: Record<string, string> = {};
  const prefix = `${slot}:`;
  for (const [id, v] of Object.entries(values)) if (id.startsWith(prefix)) out[id.slice(prefix.length)] = v;
  return out;
}

/** The template as the customer will read it with the values typed so far. */
export function previewOf(t: Pick<Template, "components">, values: ParamValues): TemplateParts {
  const parts = templateParts(t);
  const buttons = slotValues(values, "button");
  return {
    ...parts,
    header: parts.header === null ? null : fillText(parts.header, slotValues(values, "header")),
    body: fillText(parts.body, slotValues(values, "body")),
    buttons: parts.buttons.map((b, i) => ({ ...b, url: b.url === null ? null : fillText(b.url, { 1: buttons[String(i)] ?? "" }) })),
  };
}

/** Whether every parameter has a value. */
export function allFilled(params: TemplateParam[], values: ParamValues): boolean {
  return params.every((p) => (values[p.id] ?? "").trim() !== "");
}

/** A list (positional: `{{1}}` first) or an object (named) of the slot's values. */
function slotParams(params: TemplateParam[], values: ParamValues, named: boolean): unknown {
  const v = (p: TemplateParam) => (values[p.id] ?? "").trim();
  if (named) return Object.fromEntries(params.map((p) => [p.key, v(p)]));
  const list: string[] = [];
  params.forEach((p, i) => {
    list[/^\d+$/.test(p.key) ? Number(p.key) - 1 : i] = v(p);
  });
  return Array.from(list, (x) => x ?? "");
}

/** The `POST …/messages` body that sends `t` with `values`. */
export function buildTemplateSend(t: Template, values: ParamValues): SendBody {
  const params = templateParams(t);
  const named = (t.parameter_format ?? "").toUpperCase() === "NAMED";
  const header = params.filter((p) => p.slot === "header");
  const body = params.filter((p) => p.slot === "body");
  const buttons = params
    .filter((p) => p.slot === "button")
    .map((p) => ({ index: p.index ?? 0, sub_type: "url", text: (values[p.id] ?? "").trim() }));
  const media = header[0]?.media;
  // The API takes a list or an object for `header`/`body`; the generated type says object only.
  const headerValue = media ? [{ type: media, link: (values[header[0]!.id] ?? "").trim() }] : header.length ? slotParams(header, values, named) : null;
  return {
    type: "template",
    name: t.name,
    language: t.language,
    ...(headerValue ? { header: headerValue as Record<string, unknown> } : {}),
    ...(body.length ? { body: slotParams(body, values, named) as Record<string, unknown> } : {}),
    ...(buttons.length ? { buttons } : {}),
  };
}
