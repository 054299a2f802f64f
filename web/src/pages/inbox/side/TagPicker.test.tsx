// @vitest-environment jsdom
// Creating a tag from the conversation's tag picker: offered for a new name to roles that may
// manage tags, never for an existing one (whatever its case), and the new tag goes on.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import { useInboxUi } from "../../../inbox/ui";
import { conv, fakeApi, json, renderApp } from "../list/testkit";
import type { Call } from "../list/testkit";
import { tagToCreate } from "./tagOffer";

const contact = { id: "k-c1", name: "Cliente c1", phone: "+5511987654321", email: null, blocked: false, opt_out: false, custom_attributes: {}, identities: [], tags: [], created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" };
const vip = { id: "g1", name: "VIP", color: null, created_at: "", updated_at: "" };

function api(role: "agent" | "supervisor") {
  return fakeApi((c: Call) => {
    if (c.method === "GET" && c.path === "/api/v1/conversations/c1") return conv("c1", 5);
    if (c.method === "GET" && c.path === "/api/v1/contacts/k-c1") return contact;
    if (c.method === "GET" && c.path === "/api/v1/tags") return { items: [vip], next_cursor: null };
    if (c.method === "POST" && c.path === "/api/v1/tags") return json(201, { id: "g9", name: (c.body as { name: string }).name, color: null, created_at: "", updated_at: "" });
    if (c.method === "PATCH" && c.path === "/api/v1/conversations/c1") return conv("c1", 5);
    return undefined;
  }, role);
}

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

describe("tagToCreate", () => {
  it("offers a new name, trimmed, never an existing one", () => {
    expect(tagToCreate("  Pix  atrasado ", [vip])).toBe("Pix atrasado");
    expect(tagToCreate("vip", [vip])).toBeNull();
    expect(tagToCreate(" VIP ", [vip])).toBeNull();
    expect(tagToCreate("   ", [vip])).toBeNull();
    expect(tagToCreate("VI", [vip])).toBe("VI");
  });
});

describe("tag picker", () => {
  it("creates the typed tag and puts it on the conversation (supervisor)", async () => {
    const calls = api("supervisor");
    renderApp("/inbox/c1");
    fireEvent.click(await screen.findByRole("button", { name: "Alterar Etiquetas da conversa" }, { timeout: 5000 }));
    fireEvent.change(await screen.findByTestId("tag-find"), { target: { value: "Pix" } });
    fireEvent.click(await screen.findByRole("button", { name: "Criar etiqueta “Pix”" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PATCH" && c.path === "/api/v1/conversations/c1").map((c) => c.body)).toEqual([{ tag_ids: ["g9"] }]), { timeout: 5000 });
    expect(calls.filter((c) => c.method === "POST" && c.path === "/api/v1/tags").map((c) => c.body)).toEqual([{ name: "Pix" }]);
  });

  it("does not offer it for an existing name", async () => {
    api("supervisor");
    renderApp("/inbox/c1");
    fireEvent.click(await screen.findByRole("button", { name: "Alterar Etiquetas da conversa" }, { timeout: 5000 }));
    fireEvent.change(await screen.findByTestId("tag-find"), { target: { value: "vip" } });
    expect(await screen.findByRole("button", { name: "VIP" })).toBeTruthy();
    expect(screen.queryByTestId("tag-create")).toBeNull();
  });

  it("does not offer it to an agent, who may not manage tags", async () => {
    api("agent");
    renderApp("/inbox/c1");
    fireEvent.click(await screen.findByRole("button", { name: "Alterar Etiquetas da conversa" }, { timeout: 5000 }));
    fireEvent.change(await screen.findByTestId("tag-find"), { target: { value: "Pix" } });
    expect(await screen.findByText("Nada encontrado.")).toBeTruthy();
    expect(screen.queryByTestId("tag-create")).toBeNull();
  });
});
