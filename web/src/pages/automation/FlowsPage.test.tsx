// @vitest-environment jsdom
// The flows list in the whole app against a fake API: the "Automação" entry for supervisors and
// admins only, each flow's published version, change date and triggers, the active switch, and
// "Novo fluxo" creating a flow with a start node and opening it.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import "../../i18n";
import { fakeApi, json, renderApp } from "../inbox/list/testkit";
import { flow } from "./testkit";

const menu = flow("f1", {
  name: "Menu de atendimento",
  active: true,
  published_version: 3,
  published_at: "2026-03-09T12:00:00Z",
  updated_at: "2026-03-15T12:00:00Z",
  triggers: [{ kind: "keyword", match: "equals", keywords: ["oi", "menu"] }, { kind: "new_conversation", channel_id: "ch1" }],
});
const night = flow("f2", { name: "Fora do horário", triggers: [{ kind: "outside_business_hours" }] });
const channel = { id: "ch1", kind: "whatsapp_cloud", name: "WhatsApp Loja", status: "connected", health: "ok", provider_error: null, settings: {}, created_at: "", updated_at: "" };

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
  window.scrollTo = () => {};
});
beforeEach(() => {
  localStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const row = (name: string) => within(screen.getByRole("link", { name }).closest("li")!);

describe("flows list", () => {
  it("shows each flow's version, last change and triggers", async () => {
    fakeApi((c) => {
      if (c.method === "GET" && c.path === "/api/v1/flows") return { items: [menu, night], next_cursor: null };
      if (c.method === "GET" && c.path === "/api/v1/channels") return { items: [channel], next_cursor: null };
      return undefined;
    }, "supervisor");
    renderApp("/automation/flows");
    await screen.findByRole("link", { name: "Menu de atendimento" }, { timeout: 5000 });
    const m = row("Menu de atendimento");
    expect(m.getByText("v3")).toBeTruthy();
    expect(m.getByText(/15\/03\/2026/)).toBeTruthy();
    await waitFor(() => expect(m.getByText("Mensagem é igual a: oi, menu · Nova conversa em WhatsApp Loja")).toBeTruthy());
    expect(m.getByRole("switch", { name: "Ativar Menu de atendimento" }).getAttribute("aria-checked")).toBe("true");
    const n = row("Fora do horário");
    expect(n.getByText("Não publicado")).toBeTruthy();
    expect(n.getByText("Mensagem fora do horário")).toBeTruthy();
    expect(n.getByRole("switch").getAttribute("aria-checked")).toBe("false");
  });

  it("switches a flow off with a PATCH of `active`", async () => {
    const calls = fakeApi((c) => {
      if (c.method === "GET" && c.path === "/api/v1/flows") return { items: [menu], next_cursor: null };
      if (c.method === "PATCH" && c.path === "/api/v1/flows/f1") return { ...menu, active: false };
      return undefined;
    }, "admin");
    renderApp("/automation/flows");
    fireEvent.click(await screen.findByRole("switch", { name: "Ativar Menu de atendimento" }, { timeout: 5000 }));
    await waitFor(() => expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ active: false }));
    expect(await screen.findByText("Menu de atendimento desativado.")).toBeTruthy();
  });

  it("creates a flow with only a start node and opens its builder", async () => {
    const created = flow("f9", { name: "Pesquisa de satisfação" });
    const calls = fakeApi((c) => {
      if (c.method === "GET" && c.path === "/api/v1/flows") return { items: [], next_cursor: null };
      if (c.method === "POST" && c.path === "/api/v1/flows") return json(201, created);
      if (c.method === "GET" && c.path === "/api/v1/flows/f9") return created;
      if (c.method === "GET" && c.path === "/api/v1/flows/f9/versions") return [];
      return undefined;
    }, "supervisor");
    const { router } = renderApp("/automation/flows");
    expect(await screen.findByText("Nenhum fluxo ainda", undefined, { timeout: 5000 })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Novo fluxo" }));
    fireEvent.change(await screen.findByLabelText("Nome"), { target: { value: "  Pesquisa de satisfação " } });
    fireEvent.click(screen.getByRole("button", { name: "Criar e abrir o editor" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/automation/flows/f9"), { timeout: 5000 });
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      name: "Pesquisa de satisfação",
      description: null,
      definition: { nodes: [{ id: "n1", type: "start", config: {}, position: { x: 0, y: 0 } }], edges: [] },
      triggers: [],
      priority: 0,
      active: false,
    });
  }, 15_000);

  it("offers Automação to supervisors and admins, not to agents", async () => {
    fakeApi(() => undefined, "supervisor");
    renderApp("/inbox");
    const nav = (await screen.findAllByRole("navigation", { name: "Navegação principal" }, { timeout: 5000 }))[0]!;
    expect(within(nav).getByRole("link", { name: "Automação" }).getAttribute("href")).toBe("/automation/flows");
    cleanup();
    vi.unstubAllGlobals();

    fakeApi(() => undefined, "agent");
    renderApp("/inbox");
    const agentNav = (await screen.findAllByRole("navigation", { name: "Navegação principal" }, { timeout: 5000 }))[0]!;
    await within(agentNav).findByRole("link", { name: "Contatos" });
    expect(within(agentNav).queryByRole("link", { name: "Automação" })).toBeNull();
  });
});
