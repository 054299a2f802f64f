// @vitest-environment jsdom
// The contact book and a contact's page, in the whole app against a fake API: the total, each row's
// tags, last contact and conversation count, the search's query, and a row opening the contact
// with its details and conversations.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import "../i18n";
import { conv, fakeApi, renderApp } from "./inbox/list/testkit";
import type { Call } from "./inbox/list/testkit";

const tag = (id: string, name: string) => ({ id, name, color: "#16a34a", created_at: "2026-01-01T00:00:00Z" });

// Midday UTC: the same calendar day in any time zone the tests run in.
const contact = (id: string, name: string, over: Record<string, unknown> = {}) => ({
  id,
  name,
  phone: null,
  phone_display: null,
  email: null,
  blocked: false,
  opt_out: false,
  custom_attributes: {},
  identities: [],
  tags: [],
  conversation_count: 0,
  last_contact_at: null,
  created_at: "2026-01-10T12:00:00Z",
  updated_at: "2026-01-10T12:00:00Z",
  ...over,
});

const maria = contact("k1", "Maria Souza", {
  phone: "+5511987654321",
  phone_display: "(11) 98765-4321",
  email: "maria.souza@cliente.com.br",
  tags: [tag("tg1", "VIP"), tag("tg2", "Atacado")],
  identities: [{ channel_kind: "whatsapp_cloud", external_id: "5511987654321", created_at: "2026-01-10T12:00:00Z" }],
  conversation_count: 3,
  last_contact_at: "2026-03-15T12:00:00Z",
});
const joao = contact("k2", "João Pereira", { opt_out: true, conversation_count: 1, last_contact_at: "2026-02-20T12:00:00Z" });
const bia = contact("k3", "Bia Lima");

const channel = { id: "ch1", kind: "whatsapp_cloud", name: "WhatsApp Loja", status: "connected", health: "ok", provider_error: null, settings: {}, created_at: "", updated_at: "" };

/** The contact book: everyone without `q`; with it, the contacts whose name holds it. */
function contactsApi(): Call[] {
  const all = [maria, joao, bia];
  return fakeApi((c) => {
    if (c.method === "GET" && c.path === "/api/v1/contacts") {
      const q = c.query.get("q")?.toLowerCase();
      const items = q ? all.filter((k) => k.name.toLowerCase().includes(q)) : all;
      return { items, next_cursor: null, total: q ? items.length : 57 };
    }
    if (c.method === "GET" && c.path === "/api/v1/contacts/k1") return maria;
    if (c.method === "GET" && c.path === "/api/v1/channels") return { items: [channel], next_cursor: null };
    if (c.method === "GET" && c.path === "/api/v1/conversations" && c.query.get("contact_id") === "k1") {
      return {
        items: [
          conv("c1", 10, { contact: { id: "k1", name: "Maria Souza" }, last_message: { id: "m1", body: "Meu pedido chegou, obrigada!", created_at: "2026-03-15T12:00:00Z", direction: "inbound", type: "text" } }),
          conv("c0", 60 * 24 * 30, { contact: { id: "k1", name: "Maria Souza" }, status: "resolved", last_message: { id: "m0", body: "Qual o prazo de entrega?", created_at: "2026-02-01T12:00:00Z", direction: "inbound", type: "text" } }),
        ],
        next_cursor: null,
      };
    }
    return undefined;
  });
}

const row = (name: string) => {
  const link = screen.getByRole("link", { name: new RegExp(name) });
  return within(link);
};

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
  window.scrollTo = () => {};
});

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("contacts page", () => {
  it("shows the total, and each contact's tags, last contact and conversation count", async () => {
    contactsApi();
    renderApp("/contacts");
    expect(await screen.findByText("57 contatos", undefined, { timeout: 5000 })).toBeTruthy();
    const list = screen.getByRole("list", { name: "Contatos" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(3);

    const m = row("Maria Souza");
    expect(m.getByText("(11) 98765-4321")).toBeTruthy();
    expect(m.getByText("maria.souza@cliente.com.br")).toBeTruthy();
    expect(m.getByText("VIP")).toBeTruthy();
    expect(m.getByText("Atacado")).toBeTruthy();
    expect(m.getByText("3 conversas")).toBeTruthy();
    expect(m.getByText(/15\/03\/2026/)).toBeTruthy();

    const j = row("João Pereira");
    expect(j.getByText("1 conversa")).toBeTruthy();
    expect(j.getByText(/20\/02\/2026/)).toBeTruthy();
    expect(j.queryByText("VIP")).toBeNull();

    // Never talked to: says so rather than a date.
    const b = row("Bia Lima");
    expect(b.getByText("Sem conversas")).toBeTruthy();
    expect(b.getByText("Nenhuma conversa")).toBeTruthy();
  });

  it("sends the search as the query and counts what it found", async () => {
    const calls = contactsApi();
    renderApp("/contacts");
    await screen.findByText("57 contatos", undefined, { timeout: 5000 });
    fireEvent.change(screen.getByRole("searchbox", { name: "Buscar" }), { target: { value: "  maria " } });
    expect(await screen.findByText("1 contato encontrado")).toBeTruthy();
    const searches = calls.filter((c) => c.method === "GET" && c.path === "/api/v1/contacts").map((c) => c.query.get("q"));
    expect(searches[0]).toBeNull();
    expect(searches.at(-1)).toBe("maria");
    const list = screen.getByRole("list", { name: "Contatos" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual([expect.stringContaining("Maria Souza")]);
  });

  it("opens a contact's page from its row", async () => {
    contactsApi();
    const { router } = renderApp("/contacts");
    await screen.findByText("57 contatos", undefined, { timeout: 5000 });
    fireEvent.click(screen.getByRole("link", { name: /Maria Souza/ }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/contacts/k1"));
    expect(await screen.findByRole("heading", { level: 1, name: /Maria Souza/ })).toBeTruthy();
  });
});

describe("contact page", () => {
  it("shows the contact's details, tags and channels", async () => {
    contactsApi();
    renderApp("/contacts/k1");
    expect(await screen.findByRole("heading", { level: 1, name: /Maria Souza/ }, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByText(/3 conversas/)).toBeTruthy();
    expect(screen.getByText(/Último contato: 15\/03\/2026/)).toBeTruthy();
    expect(screen.getByText("(11) 98765-4321")).toBeTruthy();
    expect(screen.getByText("maria.souza@cliente.com.br")).toBeTruthy();
    expect(screen.getByText(/10\/01\/2026/)).toBeTruthy();
    expect(screen.getByText("VIP")).toBeTruthy();
    expect(screen.getByText("Atacado")).toBeTruthy();
    expect(screen.getByText("5511987654321")).toBeTruthy();
    expect(screen.getByRole("link", { name: /Voltar para os contatos/ }).getAttribute("href")).toBe("/contacts");
  });

  it("lists the contact's conversations, each opening in the inbox", async () => {
    const calls = contactsApi();
    renderApp("/contacts/k1");
    const list = await screen.findByRole("list", { name: "Conversas" }, { timeout: 5000 });
    const items = within(list).getAllByRole("link");
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toContain("Meu pedido chegou, obrigada!");
    expect(items[0]?.textContent).toContain("Aberta");
    expect(items[1]?.textContent).toContain("Qual o prazo de entrega?");
    expect(items[1]?.textContent).toContain("Resolvida");
    await waitFor(() => expect(items[0]?.textContent).toContain("WhatsApp Loja"));
    expect(items.map((a) => a.getAttribute("href"))).toEqual(["/inbox/c1", "/inbox/c0"]);
    const asked = calls.find((c) => c.method === "GET" && c.path === "/api/v1/conversations" && c.query.get("contact_id") === "k1");
    expect(asked?.query.get("status")).toBe("all");
  });

  it("says so when the contact has no conversations", async () => {
    fakeApi((c) => (c.method === "GET" && c.path === "/api/v1/contacts/k3" ? bia : undefined));
    renderApp("/contacts/k3");
    expect(await screen.findByText("Nenhuma conversa com este contato.", undefined, { timeout: 5000 })).toBeTruthy();
    expect(screen.getByText("Sem etiquetas.")).toBeTruthy();
    expect(screen.getByText("Ainda não falou por nenhum canal.")).toBeTruthy();
  });
});
