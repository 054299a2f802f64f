// The canvas ⇄ definition conversion: xyflow's nodes and edges from the API's
// `{"nodes": [...], "edges": [{"from", "handle", "to"}]}` and back. A node's xyflow `type` is its
// flow type; its `data` holds the config; an edge's `sourceHandle` is the flow edge's `handle`.

import type { Connection, Edge, Node } from "@xyflow/react";

import { DEFAULT, hasInput, nodeHandles } from "./model";
import type { NodeShape } from "./model";
import type { FlowDefinition, FlowEdge, FlowNode, NodeConfig, NodeType } from "./types";

export type CanvasData = { config: NodeConfig };
export type CanvasNode = Node<CanvasData, NodeType>;
export type CanvasEdge = Edge;

/** The one target handle of every node that takes edges in. */
export const INPUT_HANDLE = "in";

export function edgeId(e: FlowEdge): string {
  return `${e.from}:${e.handle}->${e.to}`;
}

/** A canvas node's type and config, typed together. */
export function shapeOf(n: Pick<CanvasNode, "type" | "data">): NodeShape {
  return { type: n.type, config: n.data.config } as NodeShape;
}

export function toCanvasNode(n: FlowNode): CanvasNode {
  return { id: n.id, type: n.type, position: { x: n.position.x, y: n.position.y }, data: { config: n.config } };
}

export function toCanvasEdge(e: FlowEdge): CanvasEdge {
  return { id: edgeId(e), source: e.from, sourceHandle: e.handle, target: e.to, targetHandle: INPUT_HANDLE };
}

/**
 * A definition with serde's defaults filled in (a start node may come without `config`, a node
 * without `position`, an edge without `handle`), as the API accepts them from other clients.
 */
export function withDefaults(def: FlowDefinition): FlowDefinition {
  const nodes = (def.nodes ?? []).map(
    (n) =>
      ({
        ...n,
        config: n.config ?? (n.type === "start" ? {} : n.config),
        position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 },
      }) as FlowNode,
  );
  const edges = (def.edges ?? []).map((e) => ({ from: e.from, handle: e.handle ?? DEFAULT, to: e.to }));
  return { nodes, edges };
}

/** Whether `e` can be drawn: both ends exist, the source has its handle, the target takes edges. */
function drawable(e: FlowEdge, byId: Map<string, FlowNode>): boolean {
  const from = byId.get(e.from);
  const to = byId.get(e.to);
  return !!from && !!to && hasInput(to.type) && nodeHandles(from).includes(e.handle);
}

/**
 * The canvas of a definition. Edges that cannot be drawn (a node that is gone, a handle the node
 * does not have) are left out and returned in `dropped`, so the builder can say so.
 */
export function toGraph(raw: FlowDefinition): { nodes: CanvasNode[]; edges: CanvasEdge[]; dropped: FlowEdge[] } {
  const def = withDefaults(raw);
  const byId = new Map(def.nodes.map((n) => [n.id, n]));
  const edges: CanvasEdge[] = [];
  const dropped: FlowEdge[] = [];
  for (const e of def.edges) {
    if (drawable(e, byId)) edges.push(toCanvasEdge(e));
    else dropped.push(e);
  }
  return { nodes: def.nodes.map(toCanvasNode), edges, dropped };
}

/** The definition the API stores: configs, whole-pixel positions, edges by handle. */
export function toDefinition(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): FlowDefinition {
  return {
    nodes: nodes.map(
      (n) =>
        ({
          id: n.id,
          type: n.type,
          config: n.data.config,
          position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
        }) as FlowNode,
    ),
    edges: edges.map((e) => ({ from: e.source, handle: e.sourceHandle ?? DEFAULT, to: e.target })),
  };
}

/**
 * The edges after connecting `c`: a handle has one way out, so an edge already leaving the same
 * handle is replaced. A connection into a start node, or out of a handle the source lacks, is
 * refused (the edges are returned unchanged).
 */
export function connect(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], c: Connection): CanvasEdge[] {
  const from = nodes.find((n) => n.id === c.source);
  const to = nodes.find((n) => n.id === c.target);
  const handle = c.sourceHandle ?? DEFAULT;
  if (!from || !to || !hasInput(to.type) || !nodeHandles(shapeOf(from)).includes(handle)) return [...edges];
  const edge = toCanvasEdge({ from: from.id, handle, to: to.id });
  return [...edges.filter((e) => !(e.source === from.id && (e.sourceHandle ?? DEFAULT) === handle)), edge];
}

/** The edges whose source still has their handle and whose ends still exist (after an edit). */
export function pruneEdges(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): CanvasEdge[] {
  const handles = new Map(nodes.map((n) => [n.id, nodeHandles(shapeOf(n))]));
  const inputs = new Set(nodes.filter((n) => hasInput(n.type)).map((n) => n.id));
  const kept = edges.filter((e) => handles.get(e.source)?.includes(e.sourceHandle ?? DEFAULT) && inputs.has(e.target));
  return kept.length === edges.length ? [...edges] : kept;
}

/**
 * The edges after node `id`'s config changed from `before` to `after`. With as many handles as
 * before, an edge follows its handle's position (a renamed branch keeps its arrow); otherwise
 * edges leaving handles that are gone are dropped (a removed option takes its arrow along).
 */
export function remapEdges(id: string, before: NodeShape, after: NodeShape, edges: readonly CanvasEdge[]): CanvasEdge[] {
  const old = nodeHandles(before);
  const now = nodeHandles(after);
  const renamed = old.length === now.length ? new Map(old.map((h, i) => [h, now[i]!])) : null;
  if (renamed && old.every((h, i) => h === now[i])) return [...edges];
  const out: CanvasEdge[] = [];
  for (const e of edges) {
    if (e.source !== id) {
      out.push(e);
      continue;
    }
    const handle = e.sourceHandle ?? DEFAULT;
    const next = renamed ? renamed.get(handle) : now.includes(handle) ? handle : undefined;
    if (next !== undefined) out.push(toCanvasEdge({ from: id, handle: next, to: e.target }));
  }
  return out;
}

/** The edges with the way out `handle` of `from` leading to `to`, or to nowhere when `to` is null. */
export function setTarget(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], from: string, handle: string, to: string | null): CanvasEdge[] {
  if (to !== null) return connect(nodes, edges, { source: from, sourceHandle: handle, target: to, targetHandle: INPUT_HANDLE });
  return edges.filter((e) => !(e.source === from && (e.sourceHandle ?? DEFAULT) === handle));
}
