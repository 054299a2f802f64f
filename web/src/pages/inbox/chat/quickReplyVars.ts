// Variables in quick replies: `{{contact.first_name}}` and friends, expanded in the browser when
// the reply is inserted into the composer, so the agent sees (and may edit) the exact text that
// will go out. Decisions (issue 10):
// - The server stores the reply verbatim and does not interpret it: nothing is rendered on the
//   server, so no template engine runs there and there is nothing to sandbox.
// - A variable with no value (a contact known only by their number has no first name) and an
//   unknown one (`{{nome}}`) stay in the text as typed and the composer warns about them; nothing
//   is silently dropped or sent as an empty greeting.
// - No `{{conversation.id}}`: our ids are UUIDs, which mean nothing to a customer.

/** The variables a quick reply may use, in the order the form lists them. */
export const QUICK_REPLY_VARIABLES = ["contact.name", "contact.first_name", "contact.phone", "agent.name", "agent.first_name", "tenant.name"] as const;
export type QuickReplyVariable = (typeof QUICK_REPLY_VARIABLES)[number];

/** What the variables are filled from. */
export interface VariableContext {
  contact: { name?: string | null; phone?: string | null };
  agent: { name?: string | null };
  tenant: { name?: string | null };
}

/** `{{ name }}`: braces with anything but braces between them (spaces around the name allowed). */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** A name that is really a phone number (WhatsApp contacts without a profile name). */
function isNumberLike(name: string): boolean {
  return !/\p{L}/u.test(name);
}

function firstName(name: string | null | undefined): string {
  const n = (name ?? "").trim();
  if (!n || isNumberLike(n)) return "";
  return n.split(/\s+/)[0] ?? "";
}

function valueOf(v: QuickReplyVariable, ctx: VariableContext): string {
  switch (v) {
    case "contact.name": {
      const n = (ctx.contact.name ?? "").trim();
      return isNumberLike(n) ? "" : n;
    }
    case "contact.first_name":
      return firstName(ctx.contact.name);
    case "contact.phone":
      return (ctx.contact.phone ?? "").trim();
    case "agent.name":
      return (ctx.agent.name ?? "").trim();
    case "agent.first_name":
      return firstName(ctx.agent.name);
    case "tenant.name":
      return (ctx.tenant.name ?? "").trim();
  }
}

function isVariable(name: string): name is QuickReplyVariable {
  return (QUICK_REPLY_VARIABLES as readonly string[]).includes(name);
}

export interface Expanded {
  text: string;
  /** Placeholders that name no variable (left in the text), e.g. `{{nome}}`. */
  unknown: string[];
  /** Known variables without a value here (left in the text). */
  empty: QuickReplyVariable[];
}

/** Fills the known variables of `content` that have a value; leaves the rest as written. */
export function expandVariables(content: string, ctx: VariableContext): Expanded {
  const unknown = new Set<string>();
  const empty = new Set<QuickReplyVariable>();
  const text = content.replace(PLACEHOLDER, (whole, raw: string) => {
    const name = raw.trim();
    if (!isVariable(name)) {
      unknown.add(whole);
      return whole;
    }
    const value = valueOf(name, ctx);
    if (!value) {
      empty.add(name);
      return whole;
    }
    return value;
  });
  return { text, unknown: [...unknown], empty: [...empty] };
}

/** The placeholders still in `text` (what the composer warns about before sending). */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[0]))];
}

/** Sample values for the form's preview. */
export const SAMPLE_CONTEXT: VariableContext = {
  contact: { name: "Ana Souza", phone: "+5511987654321" },
  agent: { name: "Maria Lima" },
  tenant: { name: "Loja Aurora" },
};

/** `contact.name` → `{{contact.name}}` (built here so translations never hold braces). */
export function placeholder(v: QuickReplyVariable): string {
  return `{{${v}}}`;
}
