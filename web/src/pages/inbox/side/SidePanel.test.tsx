// @vitest-environment jsdom
// The side panel against a fake API: the requests its actions send and how it reports errors.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import { useInboxUi } from "../../../inbox/ui";
import { conv, fakeApi, json, renderApp } from "../list/testkit";
import type { Call } from "../list/testkit";

const contact = {
  id: "k-c1",
  name: "Cliente c1",
  phone: "+5511987654321",
  phone_display: "(11) 98765-4321",
  email: null,
  blocked: false,
  opt_out: false,
  custom_attributes: { plano: "Ouro" } as Record<string, unknown>,
  identities: [],
  tags: [],
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

const members = [
  { id: "m1", user_id: "u1", name: "Maria Souza", email: "maria@example.com", role: "agent", active: true, has_password: true, created_at: "2026-01-01T00:00:00Z" },
  { id: "m2", user_id: "u2", name: "João Lima", email: "joao@example.com", role: "agent", active: true, has_password: true, created_at: "2026-01-01T00:00:00Z" },
];
const teams = [{ id: "tm1", name: "Vendas", member_ids: ["u2"], created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" }];

function panelApi(over: (c: Call) => unknown = () => undefined, role: "agent" | "viewer" | "supervisor" = "agent", assignee: string | null = null) {
  let current = { ...contact, custom_attributes: { ...contact.custom_attributes } };
  return fakeApi((c) => {
    const mine = over(c);
    if (mine !== undefined) return mine;
    if (c.method === "GET" && c.path === "/api/v1/conversations/c1") return conv("c1", 5, { assignee_id: assignee });
    if (c.method === "GET" && c.path === "/api/v1/contacts/k-c1") return current;
    if (c.method === "PATCH" && c.path === "/api/v1/contacts/k-c1") {
      const attrs = { ...current.custom_attributes, ...((c.body as { custom_attributes?: Record<string, unknown> }).custom_attributes ?? {}) };
      for (const [k, v] of Object.entries(attrs)) if (v === null) delete attrs[k];
      current = { ...current, custom_attributes: attrs };
      return current;
    }
    if (c.method === "GET" && c.path === "/api/v1/tenants/t1/members") return { items: members, next_cursor: null };
    if (c.method === "GET" && c.path === "/api/v1/teams") return { items: teams, next_cursor: null };
    return undefined;
  }, role);
}

const sent = (calls: Call[], method: string, path: string) => calls.filter((c) => c.method === method && c.path === path).map((c) => c.body);

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
  window.scrollTo = () => {};
});

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  useInboxUi.setState({ detailsOpen: true });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("side panel", () => {
  it("adds and removes custom attributes with merge-by-key PATCHes", async () => {
    const calls = panelApi();
    renderApp("/inbox/c1");
    await screen.findByText("Ouro", undefined, { timeout: 5000 });
    fireEvent.change(screen.getByTestId("attr-key"), { target: { value: " pedidos " } });
    fireEvent.change(screen.getByTestId("attr-value"), { target: { value: "3" } });
    fireEvent.click(screen.getByTestId("attr-add"));
    await waitFor(() => expect(screen.getAllByTestId("attr-row").map((r) => r.dataset.key)).toEqual(["pedidos", "plano"]));
    expect(sent(calls, "PATCH", "/api/v1/contacts/k-c1")).toEqual([{ custom_attributes: { pedidos: 3 } }]);

    fireEvent.click(screen.getByRole("button", { name: "Remover plano" }));
    await waitFor(() => expect(screen.getAllByTestId("attr-row")).toHaveLength(1));
    expect(sent(calls, "PATCH", "/api/v1/contacts/k-c1").at(-1)).toEqual({ custom_attributes: { plano: null } });
  });

  it("lets a supervisor take a colleague's conversation", async () => {
    const calls = panelApi(
      (c) => (c.method === "POST" && c.path === "/api/v1/conversations/c1/assign" ? json(403, { error: { code: "conversation_assigned_to_someone_else", message: "x" } }) : undefined),
      "supervisor",
      "u2",
    );
    renderApp("/inbox/c1");
    await waitFor(() => expect(screen.getByTestId("assignee-name").textContent).toBe("João Lima"), { timeout: 5000 });
    fireEvent.click(screen.getByTestId("assign-me"));
    await waitFor(() => expect(sent(calls, "POST", "/api/v1/conversations/c1/assign")).toEqual([{ user_id: "u1" }]), { timeout: 5000 });
  });

  it("locks a colleague's conversation for an agent (the API would refuse)", async () => {
    panelApi(undefined, "agent", "u2");
    renderApp("/inbox/c1");
    await waitFor(() => expect(screen.getByTestId("assignee-name").textContent).toBe("João Lima"), { timeout: 5000 });
    expect(screen.queryByTestId("assign-me")).toBeNull();
    expect((screen.getByTestId("transfer-open") as HTMLButtonElement).disabled).toBe(true);
    for (const id of ["assign-agent", "assign-team", "assign-department"]) expect((screen.getByTestId(id) as HTMLSelectElement).disabled).toBe(true);
  });

  it("transfers to a team with a note, and changes priority and status", async () => {
    const calls = panelApi((c) => ((c.method === "POST" || c.method === "PATCH") && c.path.startsWith("/api/v1/conversations/c1") ? conv("c1", 5) : undefined), "supervisor");
    renderApp("/inbox/c1");
    fireEvent.click(await screen.findByTestId("transfer-open", undefined, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog", undefined, { timeout: 5000 });
    await waitFor(() => expect(within(dialog).getAllByRole("option", { name: "Vendas" })).toHaveLength(1), { timeout: 5000 });
    fireEvent.change(within(dialog).getByTestId("transfer-team"), { target: { value: "tm1" } });
    fireEvent.change(within(dialog).getByTestId("transfer-note"), { target: { value: "Quer trocar o plano" } });
    fireEvent.click(within(dialog).getByTestId("transfer-submit"));
    await waitFor(() => expect(sent(calls, "POST", "/api/v1/conversations/c1/transfer")).toEqual([{ team_id: "tm1", note: "Quer trocar o plano" }]), { timeout: 5000 });

    fireEvent.change(screen.getByTestId("priority"), { target: { value: "urgent" } });
    fireEvent.click(screen.getByTestId("resolve"));
    await waitFor(() => expect(sent(calls, "PATCH", "/api/v1/conversations/c1")).toEqual([{ priority: "urgent" }, { status: "resolved" }]), { timeout: 5000 });
  });

  it("leaves for the list when an agent transfers the conversation to another team", async () => {
    panelApi((c) => (c.method === "POST" && c.path === "/api/v1/conversations/c1/transfer" ? conv("c1", 5, { team_id: "tm1" }) : undefined));
    const { router } = renderApp("/inbox/c1");
    fireEvent.click(await screen.findByTestId("transfer-open", undefined, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog", undefined, { timeout: 5000 });
    await waitFor(() => expect(within(dialog).getAllByRole("option", { name: "Vendas" })).toHaveLength(1), { timeout: 5000 });
    fireEvent.change(within(dialog).getByTestId("transfer-team"), { target: { value: "tm1" } });
    fireEvent.click(within(dialog).getByTestId("transfer-submit"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/inbox"), { timeout: 5000 });
  });

  it("sends every quick tag toggle on top of the previous one (the API replaces the set)", async () => {
    const tags = [
      { id: "g1", name: "VIP", color: null, created_at: "", updated_at: "" },
      { id: "g2", name: "Suporte", color: null, created_at: "", updated_at: "" },
    ];
    const calls = panelApi((c) => {
      if (c.method === "GET" && c.path === "/api/v1/tags") return { items: tags, next_cursor: null };
      if (c.method === "PATCH" && c.path === "/api/v1/conversations/c1") return conv("c1", 5);
      return undefined;
    });
    renderApp("/inbox/c1");
    fireEvent.click(await screen.findByRole("button", { name: "Alterar Etiquetas da conversa" }, { timeout: 5000 }));
    fireEvent.click(await screen.findByRole("button", { name: "VIP" }, { timeout: 5000 }));
    fireEvent.click(screen.getByRole("button", { name: "Suporte" }));
    await waitFor(() => expect(sent(calls, "PATCH", "/api/v1/conversations/c1")).toEqual([{ tag_ids: ["g1"] }, { tag_ids: ["g1", "g2"] }]), { timeout: 5000 });
  });

  it("is read-only for a viewer", async () => {
    panelApi(undefined, "viewer");
    renderApp("/inbox/c1");
    await screen.findByText("Ouro", undefined, { timeout: 5000 });
    expect(screen.queryByTestId("resolve")).toBeNull();
    expect(screen.queryByTestId("assign-me")).toBeNull();
    expect(screen.queryByTestId("attr-add")).toBeNull();
    expect((screen.getByTestId("priority") as HTMLSelectElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("details-close"));
    expect(useInboxUi.getState().detailsOpen).toBe(false);
  });
});
