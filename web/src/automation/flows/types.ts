// The flow JSON the API speaks, mirroring atende-domain's serde shapes (crates/atende-domain/src/
// flows/): definition.rs, nodes.rs, condition.rs, webhook.rs, trigger.rs. Optional fields are the
// ones serde defaults or skips when empty. These are stricter than the generated schema (one node
// type per config, every field the builder writes), and api.ts checks that what the builder
// sends is assignable to the schema's request bodies. What only comes back (effects, previews,
// versions) is the generated schema's own.

import type { Schemas } from "../../api/client";

export type NodeType = "start" | "message" | "question" | "condition" | "delay" | "webhook" | "tag" | "transfer" | "end";

export const NODE_TYPES: readonly NodeType[] = ["start", "message", "question", "condition", "delay", "webhook", "tag", "transfer", "end"];

export interface Position {
  x: number;
  y: number;
}

// ---- message ----------------------------------------------------------------------------------

export type MediaKind = "image" | "video" | "audio" | "document" | "sticker";
export const MEDIA_KINDS: readonly MediaKind[] = ["image", "video", "audio", "document", "sticker"];

export interface ReplyButton {
  id: string;
  title: string;
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

export type MessageConfig =
  | { type: "text"; text: string }
  | { type: "media"; kind: MediaKind; url: string; caption?: string; file_name?: string }
  | { type: "template"; name: string; language: string; parameters?: string[] }
  | { type: "buttons"; text: string; buttons: ReplyButton[] }
  | { type: "list"; text: string; button: string; rows: ListRow[] };

export type MessageType = MessageConfig["type"];
export const MESSAGE_TYPES: readonly MessageType[] = ["text", "media", "template", "buttons", "list"];

// ---- question ---------------------------------------------------------------------------------

export type AnswerKind = "text" | "number" | "email" | "phone" | "cpf_cnpj" | "date" | "options";
export const ANSWER_KINDS: readonly AnswerKind[] = ["text", "number", "email", "phone", "cpf_cnpj", "date", "options"];

export type OptionsDisplay = "auto" | "buttons" | "list" | "text";
export const OPTIONS_DISPLAYS: readonly OptionsDisplay[] = ["auto", "buttons", "list", "text"];

export interface QuestionOption {
  id: string;
  title: string;
  description?: string;
}

export interface QuestionConfig {
  prompt: string;
  answer?: AnswerKind;
  options?: QuestionOption[];
  display?: OptionsDisplay;
  list_button?: string;
  variable: string;
  max_retries?: number;
  retry_text?: string;
  timeout_minutes?: number;
}

// ---- condition --------------------------------------------------------------------------------

export type MatchMode = "all" | "any";

export type Subject =
  | { kind: "var"; name: string }
  | { kind: "contact_field"; field: string }
  | { kind: "tags" }
  | { kind: "channel_kind" }
  | { kind: "business_hours" };

export type SubjectKind = Subject["kind"];
export const SUBJECT_KINDS: readonly SubjectKind[] = ["var", "contact_field", "tags", "channel_kind", "business_hours"];

export type Op = "equals" | "not_equals" | "contains" | "starts_with" | "greater" | "less" | "is_set" | "is_empty";
export const OPS: readonly Op[] = ["equals", "not_equals", "contains", "starts_with", "greater", "less", "is_set", "is_empty"];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface Rule {
  subject: Subject;
  op: Op;
  value?: JsonValue;
}

export interface Branch {
  id: string;
  match?: MatchMode;
  rules: Rule[];
}

export interface ConditionConfig {
  branches: Branch[];
}

// ---- webhook ----------------------------------------------------------------------------------

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export const HTTP_METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

export interface Header {
  name: string;
  value: string;
}

export interface ResponseMapping {
  path: string;
  variable: string;
}

export interface WebhookConfig {
  method?: HttpMethod;
  url: string;
  headers?: Header[];
  body?: string;
  timeout_secs?: number;
  response_mapping?: ResponseMapping[];
}

// ---- the rest ---------------------------------------------------------------------------------

export interface DelayConfig {
  seconds: number;
}

export interface TagConfig {
  add: string[];
  remove: string[];
}

export type TransferTo = "agent" | "team" | "department";
export const TRANSFER_TARGETS: readonly TransferTo[] = ["team", "department", "agent"];

/** `{"to": "team", "id": "…"}`; `id` is "" in the builder until one is picked (not saveable). */
export interface TransferTarget {
  to: TransferTo;
  id: string;
}

export interface EndConfig {
  resolve?: boolean;
}

export type StartConfig = Record<string, never>;

/** Each node type's config. */
export interface ConfigOf {
  start: StartConfig;
  message: MessageConfig;
  question: QuestionConfig;
  condition: ConditionConfig;
  delay: DelayConfig;
  webhook: WebhookConfig;
  tag: TagConfig;
  transfer: TransferTarget;
  end: EndConfig;
}

export type NodeConfig = ConfigOf[NodeType];

/** One node as the API stores it: `{"id", "type", "config", "position"}`. */
export type FlowNode = { [T in NodeType]: { id: string; type: T; config: ConfigOf[T]; position: Position } }[NodeType];

export interface FlowEdge {
  from: string;
  handle: string;
  to: string;
}

export interface FlowDefinition {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

// ---- triggers ---------------------------------------------------------------------------------

export type KeywordMatch = "equals" | "contains" | "starts_with";
export const KEYWORD_MATCHES: readonly KeywordMatch[] = ["equals", "contains", "starts_with"];

export type Trigger =
  | { kind: "keyword"; match?: KeywordMatch; keywords: string[] }
  | { kind: "first_message" }
  | { kind: "outside_business_hours" }
  | { kind: "new_conversation"; channel_id: string }
  | { kind: "manual" };

export type TriggerKind = Trigger["kind"];
export const TRIGGER_KINDS: readonly TriggerKind[] = ["keyword", "first_message", "outside_business_hours", "new_conversation", "manual"];

// ---- the API's resources ----------------------------------------------------------------------

export interface Flow {
  id: string;
  name: string;
  description: string | null;
  /** The draft. */
  definition: FlowDefinition;
  triggers: Trigger[];
  priority: number;
  active: boolean;
  published_version: number | null;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The writable fields of a flow (POST needs `name`; PATCH takes any). */
export interface FlowInput {
  name?: string;
  description?: string | null;
  definition?: FlowDefinition;
  triggers?: Trigger[];
  priority?: number;
  active?: boolean;
}

// ---- preview (the API's own types: read only) ------------------------------------------------

/** What a step asks the core to do (session.rs `Effect`); texts already rendered. */
export type Effect = Schemas["Effect"];
export type EndReason = Schemas["EndReason"];

/** `replies` (every effect in order), `path` (node ids as they ran), `status` (the session's). */
export type Preview = Schemas["PreviewView"];
