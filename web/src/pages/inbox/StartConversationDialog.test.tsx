// @vitest-environment jsdom
// "Nova conversa": a new number, a template and its parameters → POST /conversations with an
// Idempotency-Key, then the conversation opens.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Outlet, RouterProvider, createMemoryHistory, createRootRoute, createRoute, createRouter } from "@tanstack/react-router";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../i18n";
import { fakeApi, json } from "./chat/testkit";
import type { Call } from "./chat/testkit";
import { StartConversationDialog } from "./StartConversationDialog";

const template = {
  id: "t1",
  channel_id: "ch1",
  name: "lembrete_pagamento",
  language: "pt_BR",
  status: "APPROVED",
  parameter_format: "NAMED",
  updated_at: "",
  components: [{ type: "BODY", text: "Olá, {{nome}}! Seu boleto vence amanhã." }],
};

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderDialog() {
  const root = createRootRoute({ component: Outlet });
  const home = createRoute({ getParentRoute: () => root, path: "/", component: () => <StartConversationDialog open onOpenChange={() => {}} /> });
  const conv = createRoute({ getParentRoute: () => root, path: "/inbox/$conversationId", component: () => <p data-testid="opened">aberta</p> });
  const router = createRouter({ routeTree: root.addChildren([home, conv]), history: createMemoryHistory({ initialEntries: ["/"] }) });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

describe("StartConversationDialog", () => {
  it("writes to a new number with a template and opens the conversation", async () => {
    const calls = fakeApi((c: Call) => {
      if (c.method === "GET" && c.path === "/api/v1/channels") return json(200, { items: [{ id: "ch1", kind: "whatsapp_cloud", name: "Loja", status: "connected", health: "ok", settings: {}, created_at: "", updated_at: "" }], next_cursor: null });
      if (c.method === "GET" && c.path === "/api/v1/whatsapp/templates") return json(200, { items: [template], next_cursor: null });
      if (c.method === "POST" && c.path === "/api/v1/conversations")
        return json(201, { created: true, conversation_created: true, conversation: { id: "c9", contact: { id: "k9", name: "Joana" } }, message: { id: "m1" } });
      return undefined;
    });
    const router = renderDialog();
    fireEvent.change(await screen.findByTestId("start-to"), { target: { value: "(31) 9123-4567" } });
    fireEvent.click(await screen.findByTestId("start-use-number"));
    expect(screen.getByTestId("start-recipient").textContent).toContain("+55 31 99123-4567");
    fireEvent.change(screen.getByTestId("start-name"), { target: { value: "Joana" } });
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(2));
    fireEvent.change(screen.getByTestId("start-template"), { target: { value: "t1" } });
    const send = screen.getByTestId("start-send") as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("start-param"), { target: { value: "Joana" } });
    expect(screen.getByRole("group").textContent).toContain("Olá, Joana!");
    fireEvent.click(send);
    await waitFor(() => expect(router.state.location.pathname).toBe("/inbox/c9"));
    const post = calls.find((c) => c.method === "POST" && c.path === "/api/v1/conversations")!;
    expect(post.body).toEqual({ channel_id: "ch1", phone: "+5531991234567", name: "Joana", template: { name: "lembrete_pagamento", language: "pt_BR", body: { nome: "Joana" } } });
    expect(post.headers.get("idempotency-key")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
