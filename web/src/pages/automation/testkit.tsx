// Test helpers for the automation pages: flows as the API returns them, and what xyflow needs
// from a browser that jsdom lacks (ResizeObserver, DOMMatrixReadOnly, element sizes).

import { vi } from "vitest";

import type { Flow, FlowDefinition } from "../../automation/flows/types";

export function flow(id: string, over: Partial<Flow> = {}): Flow {
  return {
    id,
    name: `Fluxo ${id}`,
    description: null,
    definition: { nodes: [{ id: "n1", type: "start", config: {}, position: { x: 0, y: 0 } }], edges: [] },
    triggers: [],
    priority: 0,
    active: false,
    published_version: null,
    published_at: null,
    created_at: "2026-03-01T12:00:00Z",
    updated_at: "2026-03-10T12:00:00Z",
    ...over,
  };
}

/** Start → greeting → a question with two options → transfer / end. */
export const menuDefinition: FlowDefinition = {
  nodes: [
    { id: "n1", type: "start", config: {}, position: { x: 0, y: 0 } },
    { id: "n2", type: "message", config: { type: "text", text: "Olá, {{contact.name}}!" }, position: { x: 300, y: 0 } },
    {
      id: "q1",
      type: "question",
      config: { prompt: "Com quem quer falar?", answer: "options", variable: "setor", options: [{ id: "vendas", title: "Vendas" }, { id: "suporte", title: "Suporte" }], display: "buttons" },
      position: { x: 600, y: 0 },
    },
    { id: "t1", type: "transfer", config: { to: "team", id: "tm1" }, position: { x: 900, y: 0 } },
    { id: "e1", type: "end", config: { resolve: false }, position: { x: 900, y: 200 } },
  ],
  edges: [
    { from: "n1", handle: "default", to: "n2" },
    { from: "n2", handle: "default", to: "q1" },
    { from: "q1", handle: "vendas", to: "t1" },
    { from: "q1", handle: "suporte", to: "e1" },
  ],
};

/** Installs the browser APIs xyflow measures nodes with. */
export function stubCanvasDom() {
  vi.stubGlobal(
    "ResizeObserver",
    class {
      constructor(private cb: (entries: Array<{ target: Element }>, o: unknown) => void) {}
      observe(target: Element) {
        this.cb([{ target }], this);
      }
      unobserve() {}
      disconnect() {}
    },
  );
  vi.stubGlobal(
    "DOMMatrixReadOnly",
    class {
      m22: number;
      constructor(transform?: string) {
        const scale = transform?.match(/scale\(([\d.]+)\)/)?.[1];
        this.m22 = scale !== undefined ? Number(scale) : 1;
      }
    },
  );
  for (const prop of ["offsetHeight", "offsetWidth"] as const) {
    if (!Object.getOwnPropertyDescriptor(HTMLElement.prototype, prop)?.configurable) continue;
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return parseFloat(prop === "offsetHeight" ? this.style.height : this.style.width) || 100;
      },
    });
  }
  (SVGElement.prototype as unknown as { getBBox: () => DOMRect }).getBBox = () => ({ x: 0, y: 0, width: 0, height: 0 }) as DOMRect;
}
