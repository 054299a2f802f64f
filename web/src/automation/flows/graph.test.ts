// The canvas ⇄ definition conversion and the handles of each node type, against the JSON shapes
// of atende-domain (flows/definition.rs, tests/schema.rs).
import { describe, expect, it } from "vitest";

import { connect, pruneEdges, remapEdges, setTarget, toDefinition, toGraph } from "./graph";
import type { CanvasNode } from "./graph";
import { newConfig, newNode, nextId, nodeHandles } from "./model";
import type { NodeShape } from "./model";
import type { FlowDefinition } from "./types";

/** One node of every type, wired along their handles, as the API stores it. */
const full: FlowDefinition = {
  nodes: [
    { id: "s", type: "start", config: {}, position: { x: 0, y: 0 } },
    { id: "m", type: "message", config: { type: "buttons", text: "Oi {{contact.name}}", buttons: [{ id: "b1", title: "Vendas" }] }, position: { x: 300, y: 0 } },
    {
      id: "q",
      type: "question",
      config: { prompt: "Qual setor?", answer: "options", variable: "setor", options: [{ id: "vendas", title: "Vendas" }, { id: "suporte", title: "Suporte" }], display: "buttons", max_retries: 1, timeout_minutes: 30 },
      position: { x: 600, y: 0 },
    },
    {
      id: "c",
      type: "condition",
      config: { branches: [{ id: "vip", match: "any", rules: [{ subject: { kind: "tags" }, op: "contains", value: "0190a0a0-0000-7000-8000-000000000001" }] }] },
      position: { x: 900, y: 0 },
    },
    { id: "d", type: "delay", config: { seconds: 3600 }, position: { x: 900, y: 200 } },
    { id: "w", type: "webhook", config: { method: "GET", url: "https://api.loja.test/pedidos/{{vars.pedido}}", timeout_secs: 5, response_mapping: [{ path: "data.status", variable: "status" }] }, position: { x: 1200, y: 0 } },
    { id: "tg", type: "tag", config: { add: ["0190a0a0-0000-7000-8000-000000000001"], remove: [] }, position: { x: 1200, y: 200 } },
    { id: "t", type: "transfer", config: { to: "team", id: "0190a0a0-0000-7000-8000-000000000002" }, position: { x: 1500, y: 0 } },
    { id: "e", type: "end", config: { resolve: true }, position: { x: 1500, y: 200 } },
  ],
  edges: [
    { from: "s", handle: "default", to: "m" },
    { from: "m", handle: "default", to: "q" },
    { from: "q", handle: "vendas", to: "c" },
    { from: "q", handle: "default", to: "t" },
    { from: "q", handle: "invalid", to: "t" },
    { from: "q", handle: "timeout", to: "e" },
    { from: "c", handle: "vip", to: "w" },
    { from: "c", handle: "else", to: "d" },
    { from: "d", handle: "default", to: "tg" },
    { from: "w", handle: "success", to: "t" },
    { from: "w", handle: "failure", to: "e" },
    { from: "tg", handle: "default", to: "e" },
  ],
};

const node = (n: NodeShape & { id: string }): CanvasNode => ({ id: n.id, type: n.type, data: { config: n.config }, position: { x: 0, y: 0 } }) as CanvasNode;

describe("canvas ⇄ definition", () => {
  it("round-trips every node type, config, position and edge handle unchanged", () => {
    const g = toGraph(full);
    expect(g.dropped).toEqual([]);
    expect(g.nodes.map((n) => [n.id, n.type])).toEqual(full.nodes.map((n) => [n.id, n.type]));
    expect(g.edges.find((e) => e.source === "q" && e.target === "c")?.sourceHandle).toBe("vendas");
    expect(toDefinition(g.nodes, g.edges)).toEqual(full);
    // The exact JSON the API stores: node configs under "config", edges as from/handle/to.
    const json = JSON.parse(JSON.stringify(toDefinition(g.nodes, g.edges))) as Record<string, unknown[]>;
    expect(json.nodes![1]).toEqual({ id: "m", type: "message", config: { type: "buttons", text: "Oi {{contact.name}}", buttons: [{ id: "b1", title: "Vendas" }] }, position: { x: 300, y: 0 } });
    expect(json.edges![2]).toEqual({ from: "q", handle: "vendas", to: "c" });
  });

  it("saves whole-pixel positions after a drag, and canvas-only fields never reach the API", () => {
    const g = toGraph(full);
    const dragged = g.nodes.map((n) => (n.id === "m" ? { ...n, position: { x: 312.6, y: -40.2 }, selected: true, dragging: true, measured: { width: 240, height: 120 } } : n));
    const out = toDefinition(dragged, g.edges);
    expect(out.nodes[1]).toEqual({ ...full.nodes[1], position: { x: 313, y: -40 } });
    expect(Object.keys(out.nodes[1]!).sort()).toEqual(["config", "id", "position", "type"]);
  });

  it("fills serde's defaults: a start without config, a node without position, an edge without handle", () => {
    const raw = { nodes: [{ id: "s", type: "start" }, { id: "e", type: "end", config: {} }], edges: [{ from: "s", to: "e" }] } as unknown as FlowDefinition;
    const g = toGraph(raw);
    expect(toDefinition(g.nodes, g.edges)).toEqual({
      nodes: [
        { id: "s", type: "start", config: {}, position: { x: 0, y: 0 } },
        { id: "e", type: "end", config: {}, position: { x: 0, y: 0 } },
      ],
      edges: [{ from: "s", handle: "default", to: "e" }],
    });
  });

  it("leaves out edges it cannot draw and says which", () => {
    const def: FlowDefinition = {
      nodes: [full.nodes[0]!, full.nodes[4]!, full.nodes[8]!],
      edges: [
        { from: "s", handle: "default", to: "d" },
        { from: "d", handle: "success", to: "e" }, // a delay has no success handle
        { from: "d", handle: "default", to: "gone" }, // no such node
        { from: "e", handle: "default", to: "s" }, // an end has no way out
      ],
    };
    const g = toGraph(def);
    expect(g.edges.map((e) => e.id)).toEqual(["s:default->d"]);
    expect(g.dropped).toEqual(def.edges.slice(1));
  });
});

describe("handles per node type (NodeKind::handles)", () => {
  it("gives each type its ways out", () => {
    const by = Object.fromEntries(full.nodes.map((n) => [n.id, nodeHandles(n)]));
    expect(by).toEqual({
      s: ["default"],
      m: ["default"],
      q: ["default", "invalid", "timeout", "vendas", "suporte"],
      c: ["vip", "else"],
      d: ["default"],
      w: ["success", "failure"],
      tg: ["default"],
      t: [],
      e: [],
    });
  });

  it("gives a question without options only its three, and a new condition its branch and else", () => {
    expect(nodeHandles({ type: "question", config: newConfig("question") })).toEqual(["default", "invalid", "timeout"]);
    expect(nodeHandles({ type: "condition", config: newConfig("condition") })).toEqual(["b1", "else"]);
  });
});

describe("editing the graph", () => {
  const g = toGraph(full);

  it("connects a handle to a node, replacing the edge that left the same handle", () => {
    const edges = connect(g.nodes, g.edges, { source: "c", sourceHandle: "else", target: "e", targetHandle: "in" });
    const fromElse = edges.filter((e) => e.source === "c" && e.sourceHandle === "else");
    expect(fromElse.map((e) => e.target)).toEqual(["e"]);
    expect(edges).toHaveLength(g.edges.length);
  });

  it("points a way out at a node, or at none", () => {
    const to = setTarget(g.nodes, g.edges, "q", "timeout", "t");
    expect(to.filter((e) => e.source === "q" && e.sourceHandle === "timeout").map((e) => e.target)).toEqual(["t"]);
    const none = setTarget(g.nodes, to, "q", "timeout", null);
    expect(none.some((e) => e.source === "q" && e.sourceHandle === "timeout")).toBe(false);
    expect(none).toHaveLength(g.edges.length - 1);
  });

  it("refuses an edge into the start node or out of a handle the node lacks", () => {
    expect(connect(g.nodes, g.edges, { source: "m", sourceHandle: "default", target: "s", targetHandle: null })).toEqual(g.edges);
    expect(connect(g.nodes, g.edges, { source: "d", sourceHandle: "failure", target: "e", targetHandle: null })).toEqual(g.edges);
    expect(connect(g.nodes, g.edges, { source: "t", sourceHandle: "default", target: "e", targetHandle: null })).toEqual(g.edges);
  });

  it("keeps a renamed branch's arrow, and drops a removed option's", () => {
    const c = g.nodes.find((n) => n.id === "c")!;
    const renamed = { ...c, data: { config: { branches: [{ id: "cliente_vip", match: "any" as const, rules: [] }] } } } as CanvasNode;
    const after = remapEdges("c", { type: "condition", config: c.data.config } as NodeShape, { type: "condition", config: renamed.data.config } as NodeShape, g.edges);
    expect(after.filter((e) => e.source === "c").map((e) => [e.sourceHandle, e.target])).toEqual([
      ["cliente_vip", "w"],
      ["else", "d"],
    ]);

    const q = full.nodes[2]! as Extract<FlowDefinition["nodes"][number], { type: "question" }>;
    const fewer = { ...q.config, options: [q.config.options![1]!] };
    const pruned = remapEdges("q", q, { type: "question", config: fewer }, g.edges);
    expect(pruned.some((e) => e.source === "q" && e.sourceHandle === "vendas")).toBe(false);
    expect(pruned.filter((e) => e.source === "q")).toHaveLength(3);
  });

  it("prunes edges whose handle or node is gone", () => {
    const nodes = [node({ id: "s", type: "start", config: {} }), node({ id: "d", type: "delay", config: { seconds: 5 } })];
    const edges = [
      { id: "1", source: "s", sourceHandle: "default", target: "d" },
      { id: "2", source: "d", sourceHandle: "default", target: "x" },
      { id: "3", source: "s", sourceHandle: "else", target: "d" },
    ];
    expect(pruneEdges(nodes, edges).map((e) => e.id)).toEqual(["1"]);
  });

  it("numbers new nodes after the highest id and starts each with its type's config", () => {
    expect(nextId("n", ["n1", "n7", "s", "n3"])).toBe("n8");
    const n = newNode("delay", { x: 10.4, y: 20.6 }, [{ id: "n1" }, { id: "n2" }]);
    expect(n).toEqual({ id: "n3", type: "delay", config: { seconds: 60 }, position: { x: 10, y: 21 } });
    expect(newNode("transfer", { x: 0, y: 0 }, []).config).toEqual({ to: "team", id: "" });
  });
});
