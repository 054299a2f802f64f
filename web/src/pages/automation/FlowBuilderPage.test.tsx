// @vitest-environment jsdom
// The builder in the whole app against a fake API: nodes with one handle per way out, an edit
// saved as the definition (configs, positions, edges by handle), a refused publish marking the
// offending nodes and listing flow-level issues, and the simulator showing the bot's replies as
// bubbles and lighting up the path.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import "../../i18n";
import type { FlowDefinition, Preview } from "../../automation/flows/types";
import { fakeApi, json, renderApp } from "../inbox/list/testkit";
import type { Call, Handler } from "../inbox/list/testkit";
import { flow, menuDefinition, stubCanvasDom } from "./testkit";

const team = { id: "tm1", name: "Vendas SP", department_id: null, description: null, member_ids: [], created_at: "", updated_at: "" };
const menu = flow("f1", { name: "Menu", definition: menuDefinition, published_version: 2 });
const version = (n: number) => ({ id: `v${n}`, flow_id: "f1", version: n, definition: menuDefinition, created_by: "u1", created_at: `2026-03-0${n}T12:00:00Z` });
let versions = [version(2), version(1)];

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
  window.scrollTo = () => {};
});
beforeEach(() => {
  localStorage.clear();
  versions = [version(2), version(1)];
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function builderApi(extra: Handler = () => undefined): Call[] {
  const calls = fakeApi((c) => {
    const out = extra(c);
    if (out !== undefined) return out;
    if (c.method === "GET" && c.path === "/api/v1/flows/f1") return menu;
    if (c.method === "GET" && c.path === "/api/v1/flows/f1/versions") return versions;
    if (c.method === "GET" && c.path === "/api/v1/teams") return { items: [team], next_cursor: null };
    if (c.method === "PATCH" && c.path === "/api/v1/flows/f1") return { ...menu, ...c.body };
    return undefined;
  }, "supervisor");
  stubCanvasDom();
  return calls;
}

const nodeEl = (id: string) => document.querySelector<HTMLElement>(`[data-testid='flow-node'][data-node-id='${id}']`)!;
const handles = (id: string) => [...nodeEl(id).querySelectorAll<HTMLElement>("[data-handle]")].map((h) => h.dataset.handle);

async function openBuilder() {
  const r = renderApp("/automation/flows/f1");
  await waitFor(() => expect(nodeEl("q1")).toBeTruthy(), { timeout: 8000 });
  return r;
}

describe("flow builder", () => {
  it("draws every node with its summary and one handle per way out", async () => {
    builderApi();
    await openBuilder();
    expect(handles("n1")).toEqual(["default"]);
    expect(handles("n2")).toEqual(["default"]);
    expect(handles("q1")).toEqual(["default", "invalid", "timeout", "vendas", "suporte"]);
    expect(handles("t1")).toEqual([]);
    expect(within(nodeEl("q1")).getByText("Com quem quer falar?")).toBeTruthy();
    expect(within(nodeEl("q1")).getByText("Sem resposta")).toBeTruthy();
    expect(within(nodeEl("q1")).getByText("Vendas")).toBeTruthy();
    await waitFor(() => expect(within(nodeEl("t1")).getByText("Equipe: Vendas SP")).toBeTruthy());
    expect(screen.getByText("v2")).toBeTruthy();
  }, 20_000);

  it("saves an edited node as the definition, positions and edges included", async () => {
    const calls = builderApi();
    await openBuilder();
    fireEvent.click(within(nodeEl("n2")).getByText("Olá, {{contact.name}}!"));
    const text = await screen.findByLabelText(/^Texto/);
    fireEvent.change(text, { target: { value: "Bem-vindo à Loja, {{contact.name}}!" } });
    expect(screen.getByText("Alterações não salvas")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Salvar" }));
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const body = calls.find((c) => c.method === "PATCH")!.body as { definition: FlowDefinition; name: string };
    expect(body.name).toBe("Menu");
    expect(body.definition).toEqual({
      nodes: menuDefinition.nodes.map((n) => (n.id === "n2" ? { ...n, config: { type: "text", text: "Bem-vindo à Loja, {{contact.name}}!" } } : n)),
      edges: menuDefinition.edges,
    });
    await waitFor(() => expect(screen.queryByText("Alterações não salvas")).toBeNull());
  }, 20_000);

  it("asks before leaving with unsaved changes", async () => {
    builderApi((c) => (c.method === "GET" && c.path === "/api/v1/flows" ? { items: [menu], next_cursor: null } : undefined));
    const { router } = await openBuilder();
    fireEvent.click(within(nodeEl("n2")).getByText("Olá, {{contact.name}}!"));
    fireEvent.change(await screen.findByLabelText(/^Texto/), { target: { value: "Oi!" } });
    fireEvent.click(screen.getByRole("link", { name: "Voltar aos fluxos" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(dialog.textContent).toContain("Sair sem salvar?");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancelar" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(router.state.location.pathname).toBe("/automation/flows/f1");
    fireEvent.click(screen.getByRole("link", { name: "Voltar aos fluxos" }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Sair sem salvar" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/automation/flows"));
  }, 20_000);

  it("adds a block from the palette beside the selected one, and deletes a block with its edges", async () => {
    const calls = builderApi();
    await openBuilder();
    expect((screen.getByRole("button", { name: "Adicionar Início" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(await within(nodeEl("t1")).findByText("Equipe: Vendas SP"));
    fireEvent.click(screen.getByRole("button", { name: "Adicionar Espera" }));
    await waitFor(() => expect(nodeEl("n3")).toBeTruthy());
    expect(screen.getByRole("region", { name: "Bloco n3" })).toBeTruthy();
    fireEvent.click(within(nodeEl("n2")).getByText("Olá, {{contact.name}}!"));
    fireEvent.click(screen.getByRole("button", { name: "Excluir bloco" }));
    await waitFor(() => expect(nodeEl("n2")).toBeNull());
    fireEvent.click(screen.getByRole("button", { name: "Salvar" }));
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const def = (calls.find((c) => c.method === "PATCH")!.body as { definition: FlowDefinition }).definition;
    // Right of the transfer (x 900 + 300), in the first free row.
    expect(def.nodes.find((n) => n.id === "n3")).toEqual({ id: "n3", type: "delay", config: { seconds: 60 }, position: { x: 1200, y: 0 } });
    expect(def.nodes.some((n) => n.id === "n2")).toBe(false);
    expect(def.edges).toEqual(menuDefinition.edges.filter((e) => e.from !== "n2" && e.to !== "n2"));
  }, 20_000);

  it("connects ways out from the side panel too", async () => {
    const calls = builderApi();
    await openBuilder();
    fireEvent.click(within(nodeEl("q1")).getByText("Com quem quer falar?"));
    const outputs = within(await screen.findByRole("group", { name: "Saídas" }));
    expect((outputs.getByLabelText("Vendas") as HTMLSelectElement).value).toBe("t1");
    expect((outputs.getByLabelText("Resposta válida") as HTMLSelectElement).value).toBe("");
    // The start takes no edges in, so it is not offered.
    expect([...(outputs.getByLabelText("Resposta válida") as HTMLSelectElement).options].map((o) => o.value)).toEqual(["", "n2", "q1", "t1", "e1"]);
    fireEvent.change(outputs.getByLabelText("Resposta válida"), { target: { value: "e1" } });
    fireEvent.change(outputs.getByLabelText("Vendas"), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Salvar" }));
    await waitFor(() => expect(calls.some((c) => c.method === "PATCH")).toBe(true));
    const edges = (calls.find((c) => c.method === "PATCH")!.body as { definition: FlowDefinition }).definition.edges;
    expect(edges.filter((e) => e.from === "q1")).toEqual([
      { from: "q1", handle: "suporte", to: "e1" },
      { from: "q1", handle: "default", to: "e1" },
    ]);
  }, 20_000);

  it("marks the nodes a refused publish names, and lists the flow's own issues", async () => {
    const calls = builderApi((c) => {
      if (c.method === "POST" && c.path === "/api/v1/flows/f1/publish") {
        return json(409, {
          error: {
            code: "flow_invalid",
            message: "the flow's graph has issues; fix the draft and publish again",
            fields: { q1: ["connect the question's default handle: where a valid answer goes"], flow: ["an edge leaves \"zz\", which is not a node"] },
            field_codes: { q1: ["question_without_answer_path"], flow: ["unknown_edge_node"] },
          },
        });
      }
      return undefined;
    });
    await openBuilder();
    fireEvent.click(screen.getByRole("button", { name: "Publicar" }));
    await waitFor(() => expect(nodeEl("q1").dataset.invalid).toBe("true"));
    expect(within(nodeEl("q1")).getByTestId("node-issues").textContent).toBe("Ligue a saída Resposta válida da pergunta.");
    expect(nodeEl("n2").dataset.invalid).toBeUndefined();
    const banner = screen.getByTestId("issues-banner");
    expect(banner.textContent).toContain("1 bloco precisa de ajustes");
    expect(banner.textContent).toContain("Uma ligação aponta para um bloco que não existe.");
    // Nothing was unsaved, so publishing did not save first.
    expect(calls.some((c) => c.method === "PATCH")).toBe(false);

    // Fixing the node clears its mark.
    fireEvent.click(within(nodeEl("q1")).getByText("Com quem quer falar?"));
    fireEvent.change(await screen.findByLabelText(/^Pergunta/), { target: { value: "Com qual setor?" } });
    await waitFor(() => expect(nodeEl("q1").dataset.invalid).toBeUndefined());
  }, 20_000);

  it("publishes a clean draft without saving, and lists the new version as in use", async () => {
    const calls = builderApi((c) => {
      if (c.method === "POST" && c.path === "/api/v1/flows/f1/publish") {
        versions = [version(3), ...versions];
        return { flow: { ...menu, published_version: 3, published_at: "2026-03-03T12:00:00Z" }, version: version(3) };
      }
      return undefined;
    });
    await openBuilder();
    fireEvent.click(screen.getByRole("button", { name: "Publicar" }));
    expect(await screen.findByText("Versão 3 publicada.")).toBeTruthy();
    expect(calls.some((c) => c.method === "PATCH")).toBe(false);
    fireEvent.mouseDown(screen.getByRole("tab", { name: "Versões" }));
    const list = await screen.findByRole("list", { name: "Versões publicadas" });
    await waitFor(() => expect(within(list).getAllByRole("listitem")).toHaveLength(3));
    const rows = within(list).getAllByRole("listitem");
    expect(rows.map((li) => li.firstElementChild?.textContent)).toEqual(["v3", "v2", "v1"]);
    expect(rows.map((li) => li.textContent?.includes("Em uso"))).toEqual([true, false, false]);
  }, 20_000);

  it("marks the nodes when the simulator cannot run the draft", async () => {
    builderApi((c) => {
      if (c.method === "POST" && c.path === "/api/v1/flows/f1/preview") {
        return json(409, { error: { code: "flow_invalid", message: "the flow's graph has issues; fix the draft and publish again", fields: { n2: ["the text is empty"] }, field_codes: { n2: ["empty_text"] } } });
      }
      return undefined;
    });
    await openBuilder();
    fireEvent.mouseDown(screen.getByRole("tab", { name: "Simular" }));
    fireEvent.change(screen.getByLabelText("Mensagem do cliente"), { target: { value: "oi" } });
    fireEvent.click(screen.getByRole("button", { name: "Enviar" }));
    expect(await screen.findByText("O rascunho ainda não pode rodar: corrija os blocos marcados.")).toBeTruthy();
    expect(nodeEl("n2").dataset.invalid).toBe("true");
    expect(within(nodeEl("n2")).getByText("Falta o texto.")).toBeTruthy();
  }, 20_000);

  it("simulates: the bot's messages as bubbles, a tapped button as the next answer, the path lit up", async () => {
    const first: Preview = {
      replies: [
        { type: "send_text", text: "Olá, Maria!" },
        { type: "send_buttons", text: "Com quem quer falar?", buttons: [{ id: "vendas", title: "Vendas" }, { id: "suporte", title: "Suporte" }] },
      ],
      path: ["n1", "n2", "q1"],
      status: "waiting_input",
    };
    const second: Preview = {
      replies: [...first.replies, { type: "transfer", target: { to: "team", id: "tm1" } }, { type: "ended", reason: "transferred" }],
      path: ["n1", "n2", "q1", "t1"],
      status: "handed_off",
    };
    const calls = builderApi((c) => {
      if (c.method === "POST" && c.path === "/api/v1/flows/f1/preview") return (c.body as { messages: string[] }).messages.length === 1 ? first : second;
      return undefined;
    });
    await openBuilder();
    fireEvent.mouseDown(screen.getByRole("tab", { name: "Simular" }));
    fireEvent.change(screen.getByLabelText("Mensagem do cliente"), { target: { value: "oi" } });
    fireEvent.click(screen.getByRole("button", { name: "Enviar" }));
    await waitFor(() => expect(screen.getAllByTestId("sim-bot")).toHaveLength(2));
    const conversation = screen.getByRole("list", { name: "Conversa simulada" });
    expect(within(conversation).getByText("Olá, Maria!")).toBeTruthy();
    expect(screen.getByTestId("sim-status").textContent).toBe("Situação: aguardando resposta");
    expect(["n1", "n2", "q1"].every((id) => nodeEl(id).dataset.onPath === "true")).toBe(true);
    expect(nodeEl("t1").dataset.onPath).toBeUndefined();

    fireEvent.click(within(conversation).getByRole("button", { name: "Vendas" }));
    await waitFor(() => expect(screen.getByTestId("sim-status").textContent).toBe("Situação: transferida para a equipe"));
    expect(calls.filter((c) => c.path === "/api/v1/flows/f1/preview").map((c) => c.body)).toEqual([{ messages: ["oi"] }, { messages: ["oi", "Vendas"] }]);
    // The transcript: oi, the greeting and the buttons, then Vendas and what followed it.
    const turns = within(conversation)
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(turns).toEqual(["oi", "Olá, Maria!", "Com quem quer falar?VendasSuporte", "Vendas", "Transferida para Equipe", "Fim: transferida"]);
    expect(nodeEl("t1").dataset.onPath).toBe("true");
  }, 20_000);
});
