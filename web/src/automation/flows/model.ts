// Node-level facts of the flow model: the handles each node leaves by (definition.rs
// `NodeKind::handles`), a new node's starting config, and fresh ids.

import type { ConfigOf, FlowNode, NodeType, Position } from "./types";

export const DEFAULT = "default";
export const INVALID = "invalid";
export const TIMEOUT = "timeout";
export const SUCCESS = "success";
export const FAILURE = "failure";
export const ELSE = "else";

/** Handles an option id may not take (they are the question's own). */
export const RESERVED_OPTION_IDS: readonly string[] = [DEFAULT, INVALID, TIMEOUT];

/** A node's type and config: enough to know its handles. */
export type NodeShape = { [T in NodeType]: { type: T; config: ConfigOf[T] } }[NodeType];

/**
 * The handles an edge may leave this node by, in the order the node draws them: start,
 * message, delay and tag have `default`; a question `default`, `invalid`, `timeout` and one per
 * option id; a condition one per branch id, then `else`; a webhook `success` and `failure`;
 * transfer and end none (the session stops there).
 */
export function nodeHandles(node: NodeShape): string[] {
  switch (node.type) {
    case "start":
    case "message":
    case "delay":
    case "tag":
      return [DEFAULT];
    case "question":
      return [DEFAULT, INVALID, TIMEOUT, ...(node.config.options ?? []).map((o) => o.id)];
    case "condition":
      return [...node.config.branches.map((b) => b.id), ELSE];
    case "webhook":
      return [SUCCESS, FAILURE];
    case "transfer":
    case "end":
      return [];
  }
}

/** Whether edges can arrive at the node (every type but start). */
export function hasInput(type: NodeType): boolean {
  return type !== "start";
}

/** The config a node of `type` starts with in the builder. */
export function newConfig<T extends NodeType>(type: T): ConfigOf[T] {
  const configs: { [K in NodeType]: () => ConfigOf[K] } = {
    start: () => ({}),
    message: () => ({ type: "text", text: "" }),
    question: () => ({ prompt: "", answer: "text", variable: "resposta", max_retries: 2 }),
    condition: () => ({ branches: [{ id: "b1", match: "all", rules: [{ subject: { kind: "var", name: "" }, op: "equals", value: "" }] }] }),
    delay: () => ({ seconds: 60 }),
    webhook: () => ({ method: "POST", url: "", timeout_secs: 10 }),
    tag: () => ({ add: [], remove: [] }),
    transfer: () => ({ to: "team", id: "" }),
    end: () => ({ resolve: false }),
  };
  return configs[type]();
}

/**
 * An id with `prefix` not in `taken`: the prefix followed by one more than the largest number
 * already used with it (`n1`, `n2`, … → `n3`), so ids are short and never reused while the
 * higher ones exist.
 */
export function nextId(prefix: string, taken: Iterable<string>): string {
  let max = 0;
  const re = new RegExp(`^${prefix}(\\d+)$`);
  const all = new Set(taken);
  for (const id of all) {
    const m = re.exec(id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  let n = max + 1;
  while (all.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/** A new node of `type` at `position`, with an id none of `nodes` has. */
export function newNode(type: NodeType, position: Position, nodes: readonly { id: string }[]): FlowNode {
  const id = nextId("n", nodes.map((n) => n.id));
  return { id, type, config: newConfig(type), position: { x: Math.round(position.x), y: Math.round(position.y) } } as FlowNode;
}

/** The room a node card takes on the canvas, with a margin. */
export const NODE_SPACE = { width: 300, height: 170 } as const;

/**
 * The first free spot at or below `wanted`: a spot is taken when a node's top-left corner is
 * closer than a card's room, so new blocks never land on top of others.
 */
export function freeSpot(nodes: readonly { position: Position }[], wanted: Position): Position {
  let at = { x: Math.round(wanted.x), y: Math.round(wanted.y) };
  const taken = (p: Position) => nodes.some((n) => Math.abs(n.position.x - p.x) < NODE_SPACE.width - 40 && Math.abs(n.position.y - p.y) < NODE_SPACE.height - 30);
  for (let i = 0; i < 200 && taken(at); i++) at = { x: at.x, y: at.y + NODE_SPACE.height };
  return at;
}

/** A definition with only a start node: what "Novo fluxo" creates. */
export function starterDefinition() {
  return { nodes: [{ id: "n1", type: "start" as const, config: {}, position: { x: 0, y: 0 } }], edges: [] };
}
