// Publishing issues on the canvas: the 409 `flow_invalid` body's `fields` / `field_codes` (keyed
// by node id, or `flow` for the whole flow) as issues per node plus a banner for the rest, the
// translation of their codes, and the checks the builder makes before saving.

import type { Translate } from "../../api/errors";
import type { CanvasNode } from "./graph";

export interface Issue {
  /** A stable snake_case code (validate.rs, validate_nodes.rs), translated by `issueText`. */
  code: string;
  /** The API's English text, shown when this build does not know the code. */
  message: string;
}

/** The key of flow-level issues in the error body. */
export const FLOW_KEY = "flow";

export interface FlowIssues {
  /** Issues by the id of the node they are about. */
  byNode: Record<string, Issue[]>;
  /** Issues about the flow as a whole. */
  flow: Issue[];
}

export const NO_ISSUES: FlowIssues = { byNode: {}, flow: [] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

/**
 * The graph's issues in a `flow_invalid` error body (409 from publish and preview; fields keyed by
 * node id, or `flow`), or null for any other body. Messages and codes pair up by position; a
 * message without a code gets `unknown`, a code without a message its code.
 */
export function parseFlowIssues(body: unknown): FlowIssues | null {
  const err = isRecord(body) ? body.error : undefined;
  if (!isRecord(err) || err.code !== "flow_invalid") return null;
  const fields = isRecord(err.fields) ? err.fields : {};
  const codes = isRecord(err.field_codes) ? err.field_codes : {};
  const keys = [...Object.keys(fields), ...Object.keys(codes)];
  const out: FlowIssues = { byNode: {}, flow: [] };
  for (const key of new Set(keys)) {
    const msgs = strings(fields[key]);
    const cs = strings(codes[key]);
    const issues: Issue[] = Array.from({ length: Math.max(msgs.length, cs.length) }, (_, i) => ({
      code: cs[i] ?? "unknown",
      message: msgs[i] ?? cs[i] ?? "",
    }));
    if (key === FLOW_KEY) out.flow.push(...issues);
    else out.byNode[key] = [...(out.byNode[key] ?? []), ...issues];
  }
  return out;
}

export interface PlacedIssues {
  /** Issues to draw on nodes that are on the canvas. */
  onNodes: Record<string, Issue[]>;
  /** Issues for the banner: the flow's own, and those of node ids not on the canvas. */
  banner: Array<Issue & { nodeId?: string }>;
  /** How many nodes have issues. */
  nodeCount: number;
}

/** Splits issues between the canvas's nodes and the banner. */
export function placeIssues(issues: FlowIssues, nodeIds: Iterable<string>): PlacedIssues {
  const present = new Set(nodeIds);
  const onNodes: Record<string, Issue[]> = {};
  const banner: PlacedIssues["banner"] = [...issues.flow];
  for (const [id, list] of Object.entries(issues.byNode)) {
    if (present.has(id)) onNodes[id] = list;
    else banner.push(...list.map((i) => ({ ...i, nodeId: id })));
  }
  return { onNodes, banner, nodeCount: Object.keys(onNodes).length };
}

/** An issue for people: the translation of its code, else the API's text. */
export function issueText(t: Translate, issue: Issue): string {
  return t(`automation.issues.${issue.code}`, { defaultValue: "" }) || issue.message || issue.code;
}

/**
 * What must be fixed before the draft can even be saved (the API only stores definitions whose
 * shapes parse): a transfer needs its target.
 */
export function saveBlockers(nodes: readonly CanvasNode[]): FlowIssues {
  const byNode: Record<string, Issue[]> = {};
  for (const n of nodes) {
    if (n.type === "transfer" && !(n.data.config as { id?: string }).id) {
      byNode[n.id] = [{ code: "transfer_target_missing", message: "choose who the conversation goes to" }];
    }
  }
  return { byNode, flow: [] };
}

export function hasIssues(i: FlowIssues): boolean {
  return i.flow.length > 0 || Object.keys(i.byNode).length > 0;
}
