// The 409 `flow_invalid` body mapped onto the canvas, and the transcript of a preview.
import i18n from "i18next";
import { beforeAll, describe, expect, it } from "vitest";

import "../../i18n";
import type { Translate } from "../../api/errors";
import { isBubble, simItems, transcript } from "./effects";
import { issueText, parseFlowIssues, placeIssues, saveBlockers } from "./issues";
import type { CanvasNode } from "./graph";
import type { Effect } from "./types";

const tr = i18n.t.bind(i18n) as unknown as Translate;

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});

/** The API's answer to publishing a flow with a dangling question and an unreachable node. */
const refused = {
  error: {
    code: "flow_invalid",
    message: "the flow's graph has issues; fix the draft and publish again",
    fields: {
      flow: ["an edge leaves \"x\", which is not a node"],
      q1: ["connect the question's default handle: where a valid answer goes", "the question is empty"],
      n9: ["no path from the start reaches this node"],
      gone: ["a future check"],
    },
    field_codes: {
      flow: ["unknown_edge_node"],
      q1: ["question_without_answer_path", "empty_text"],
      n9: ["unreachable_node"],
      gone: ["some_new_code"],
    },
  },
};

describe("publish issues", () => {
  it("reads codes and messages per node and for the flow", () => {
    const issues = parseFlowIssues(refused)!;
    expect(issues.flow).toEqual([{ code: "unknown_edge_node", message: "an edge leaves \"x\", which is not a node" }]);
    expect(issues.byNode.q1).toEqual([
      { code: "question_without_answer_path", message: "connect the question's default handle: where a valid answer goes" },
      { code: "empty_text", message: "the question is empty" },
    ]);
    expect(issues.byNode.n9).toEqual([{ code: "unreachable_node", message: "no path from the start reaches this node" }]);
  });

  it("is not about the graph for any other body", () => {
    expect(parseFlowIssues({ error: { code: "validation_failed", message: "x", fields: { messages: ["at most 50 messages"] } } })).toBeNull();
    expect(parseFlowIssues({ error: { code: "forbidden", message: "x", fields: { q1: ["?"] } } })).toBeNull();
    expect(parseFlowIssues("nope")).toBeNull();
    expect(parseFlowIssues(null)).toBeNull();
  });

  it("pairs a message without a code with `unknown`, and a code without a message with itself", () => {
    const issues = parseFlowIssues({ error: { code: "flow_invalid", fields: { a: ["one", "two"] }, field_codes: { a: ["x"], b: ["no_start"] } } })!;
    expect(issues.byNode.a).toEqual([
      { code: "x", message: "one" },
      { code: "unknown", message: "two" },
    ]);
    expect(issues.byNode.b).toEqual([{ code: "no_start", message: "no_start" }]);
  });

  it("puts issues on the nodes on the canvas and the rest in the banner", () => {
    const placed = placeIssues(parseFlowIssues(refused)!, ["s", "q1", "n9"]);
    expect(Object.keys(placed.onNodes).sort()).toEqual(["n9", "q1"]);
    expect(placed.nodeCount).toBe(2);
    expect(placed.banner).toEqual([
      { code: "unknown_edge_node", message: "an edge leaves \"x\", which is not a node" },
      { code: "some_new_code", message: "a future check", nodeId: "gone" },
    ]);
  });

  it("translates known codes and shows the API's text for new ones", () => {
    expect(issueText(tr, { code: "unreachable_node", message: "no path" })).toBe("Nenhum caminho a partir do Início chega a este bloco.");
    expect(issueText(tr, { code: "some_new_code", message: "a future check" })).toBe("a future check");
  });

  it("stops a save while a transfer has no target", () => {
    const nodes = [
      { id: "t1", type: "transfer", data: { config: { to: "team", id: "" } }, position: { x: 0, y: 0 } },
      { id: "t2", type: "transfer", data: { config: { to: "team", id: "0190a0a0-0000-7000-8000-000000000002" } }, position: { x: 0, y: 0 } },
    ] as CanvasNode[];
    expect(Object.keys(saveBlockers(nodes).byNode)).toEqual(["t1"]);
    expect(saveBlockers(nodes.slice(1)).byNode).toEqual({});
  });
});

describe("preview transcript", () => {
  const replies: Effect[] = [
    { type: "send_text", text: "Olá, Maria!" },
    { type: "schedule_timeout", token: 1, at: "2026-05-01T12:00:00Z" },
    { type: "send_buttons", text: "Qual setor?", buttons: [{ id: "vendas", title: "Vendas" }] },
    { type: "add_tags", tag_ids: ["t1", "t2"] },
    { type: "transfer", target: { to: "team", id: "x" } },
    { type: "ended", reason: "transferred" },
  ];

  it("keeps what the bot sends and notes the rest; a question's timeout schedule is left out", () => {
    const items = simItems(replies);
    expect(items.map((i) => i.kind)).toEqual(["text", "buttons", "note", "transfer", "ended"]);
    expect(items.filter(isBubble)).toHaveLength(2);
  });

  it("places each reply after the customer message that caused it", () => {
    const items = simItems(replies);
    // "oi" produced the greeting and the question (2 items); "Vendas" the rest.
    const turns = transcript(["oi", "Vendas"], [2, items.length], items);
    expect(turns.map((t) => (t.from === "customer" ? `> ${t.text}` : t.item.kind))).toEqual(["> oi", "text", "buttons", "> Vendas", "note", "transfer", "ended"]);
  });
});
