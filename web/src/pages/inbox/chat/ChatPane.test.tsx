// @vitest-environment jsdom
// The whole pane against a fake API: the closed-window banner and its template flow, the open
// composer, bubbles and their retry, marking read, the header's buttons.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Outlet, RouterProvider, createMemoryHistory, createRootRoute, createRoute, createRouter } from "@tanstack/react-router";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import type { Conversation, Message } from "../../../inbox/queries";
import { useRealtime } from "../../../inbox/realtime";
import { useInboxUi } from "../../../inbox/ui";
import { ChatPane } from "./ChatPane";
import { conversation, fakeApi, json, message, renderWithClient, sends } from "./testkit";
import type { Call } from "./testkit";

const templates = [
  {
    id: "t1",
    channel_id: "ch1",
    name: "lembrete_pagamento",
    language: "pt_BR",
    status: "APPROVED",
    category: "UTILITY",
    parameter_format: "NAMED",
    updated_at: "",
    components: [{ type: "BODY", text: "Olá, {{nome_cliente}}! O boleto do pedido #{{numero_pedido}} vence amanhã." }],
  },
  {
    id: "t2",
    channel_id: "ch1",
    name: "pedido_enviado",
    language: "pt_BR",
    status: "APPROVED",
    category: "UTILITY",
    parameter_format: "POSITIONAL",
    updated_at: "",
    components: [{ type: "BODY", text: "Seu pedido {{1}} foi enviado, {{2}}." }],
  },
  { id: "t3", channel_id: "ch1", name: "promo_rascunho", language: "pt_BR", status: "PENDING", updated_at: "", components: [{ type: "BODY", text: "Promo" }] },
];

function serve(conv: Conversation, messages: Message[]) {
  return fakeApi((c: Call) => {
    if (c.method === "GET" && c.path === "/api/v1/conversations/c1") return json(200, conv);
    if (c.method === "GET" && c.path === "/api/v1/conversations/c1/messages") return json(200, { items: [...messages].reverse(), next_cursor: null });
    if (c.method === "GET" && c.path === "/api/v1/channels/ch1") return json(200, { id: "ch1", kind: "whatsapp_cloud", name: "Loja", status: "connected", settings: {}, created_at: "", updated_at: "" });
    if (c.method === "GET" && c.path === "/api/v1/whatsapp/templates") return json(200, { items: templates, next_cursor: null });
    if (c.method === "POST" && c.path === "/api/v1/conversations/c1/messages") return json(201, message({ id: "sent", direction: "outbound" }));
    if (c.method === "POST" && c.path.endsWith("/retry")) return json(200, message({ id: "retried" }));
    if (c.method === "POST" && c.path === "/api/v1/conversations/c1/read") return json(200, { ...conv, unread_count: 0 });
    return undefined;
  });
}

function renderPane() {
  const root = createRootRoute({ component: Outlet });
  const inbox = createRoute({ getParentRoute: () => root, path: "/inbox", component: Outlet });
  const open = createRoute({ getParentRoute: () => inbox, path: "$conversationId", component: () => <ChatPane conversationId="c1" /> });
  const router = createRouter({ routeTree: root.addChildren([inbox.addChildren([open])]), history: createMemoryHistory({ initialEntries: ["/inbox/c1"] }) });
  renderWithClient(<RouterProvider router={router} />);
  return router;
}

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
  // jsdom does not scroll; the router restores the window's scroll on navigation.
  window.scrollTo = () => {};
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("closed window", () => {
  it("replaces the input with the banner and sends a template with its named parameters", async () => {
    const calls = serve(conversation({ window_open: false, window_closes_at: "2026-11-19T10:00:00Z", unread_count: 2 }), [message({ id: "m1", body: "Oi" })]);
    renderPane();
    const banner = await screen.findByTestId("window-closed-banner");
    expect(banner.textContent).toContain("A janela de 24 horas fechou. Só modelos aprovados podem ser enviados.");
    expect(screen.queryByTestId("composer-input")).toBeNull();
    expect(screen.getAllByTestId("template-open")).toHaveLength(1);
    await waitFor(() => expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/conversations/c1/read")).toBe(true));

    fireEvent.click(screen.getByTestId("template-open"));
    await waitFor(() => expect(screen.getAllByTestId("template-option")).toHaveLength(2));
    fireEvent.change(screen.getByRole("searchbox", { name: "Buscar modelo" }), { target: { value: "boleto" } });
    const options = screen.getAllByTestId("template-option");
    expect(options.map((o) => o.textContent)).toEqual([expect.stringContaining("lembrete_pagamento")]);
    fireEvent.click(options[0]!);

    const params = screen.getAllByTestId("template-param") as HTMLInputElement[];
    expect(params).toHaveLength(2);
    const send = screen.getByTestId("template-send") as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.change(params[0]!, { target: { value: "Maria" } });
    expect(screen.getByRole("group", { name: "Prévia da mensagem" }).textContent).toContain("Olá, Maria! O boleto do pedido #{{numero_pedido}} vence amanhã.");
    fireEvent.change(params[1]!, { target: { value: "4821" } });
    expect(send.disabled).toBe(false);
    fireEvent.click(send);

    await waitFor(() => expect(sends(calls)).toHaveLength(1));
    expect(sends(calls)[0]!.body).toEqual({ type: "template", name: "lembrete_pagamento", language: "pt_BR", body: { nome_cliente: "Maria", numero_pedido: "4821" } });
    await waitFor(() => expect(screen.queryByTestId("template-send")).toBeNull());
  });

  it("still lets the agent write a note", async () => {
    const calls = serve(conversation({ window_open: false }), []);
    renderPane();
    await screen.findByTestId("window-closed-banner");
    fireEvent.click(screen.getByTestId("composer-note-toggle"));
    expect(screen.queryByTestId("window-closed-banner")).toBeNull();
    fireEvent.change(screen.getByTestId("composer-input"), { target: { value: "Ligar amanhã" } });
    fireEvent.click(screen.getByTestId("composer-send"));
    await waitFor(() => expect(sends(calls)).toHaveLength(1));
    expect(sends(calls)[0]!.body).toEqual({ type: "text", body: "Ligar amanhã", private_note: true });
  });
});

describe("open window", () => {
  const history = [
    message({ id: "m1", body: "Boa tarde! Meu pedido atrasou", created_at: "2026-11-20T10:00:00Z" }),
    message({ id: "m2", direction: "outbound", author: "agent", author_user_id: "u2", body: "Vou verificar", status: "read", created_at: "2026-11-20T10:01:00Z", provider_message_id: "wamid.2" }),
    message({ id: "m3", direction: "outbound", author: "agent", author_user_id: "u1", body: "Ele sai hoje", status: "failed", error: { code: "131047", title: "Re-engagement message" }, created_at: "2026-11-20T10:02:00Z" }),
    message({ id: "m4", direction: "outbound", author: "agent", author_user_id: "u1", body: "Conferir estoque", is_private_note: true, status: null, created_at: "2026-11-20T10:03:00Z" }),
    message({ id: "m5", type: "reaction", body: "👍", reply_to_id: "m2", created_at: "2026-11-20T10:04:00Z" }),
  ];

  it("shows the composer, the bubbles with their state, and retries a failed one", async () => {
    const calls = serve(conversation({ window_closes_at: "2099-01-01T00:00:00Z" }), history);
    renderPane();
    await screen.findByTestId("composer-input");
    expect(screen.queryByTestId("window-closed-banner")).toBeNull();
    const log = await screen.findByRole("log", { name: "Mensagens da conversa" });
    const bubbles = await within(log).findAllByTestId("message");
    expect(bubbles.map((b) => [b.dataset.messageId, b.dataset.direction, b.dataset.status, b.dataset.note ?? ""])).toEqual([
      ["m1", "inbound", "", ""],
      ["m2", "outbound", "read", ""],
      ["m3", "outbound", "failed", ""],
      ["m4", "outbound", "", "true"],
    ]);
    expect(within(bubbles[1]!).getByTestId("ticks").getAttribute("aria-label")).toBe("Lida");
    expect(within(bubbles[1]!).getByText("Bruno")).toBeTruthy();
    expect(within(bubbles[1]!).getByRole("img", { name: "👍 de Maria Souza" })).toBeTruthy();
    expect(within(bubbles[2]!).getByTestId("ticks").getAttribute("aria-label")).toBe("Falhou: Re-engagement message (131047)");
    expect(within(bubbles[3]!).getByText("Nota interna")).toBeTruthy();
    expect(calls.some((c) => c.path.endsWith("/read"))).toBe(false);

    fireEvent.click(within(bubbles[2]!).getByTestId("message-retry"));
    await waitFor(() => expect(calls.some((c) => c.method === "POST" && c.path === "/api/v1/conversations/c1/messages/m3/retry")).toBe(true));
  });

  it("says who is typing: the customer, then a colleague, never ourselves", async () => {
    serve(conversation(), []);
    const later = Date.now() + 60_000;
    useRealtime.setState({ typing: { c1: { contact: later, u1: later } } });
    renderPane();
    expect((await screen.findByTestId("typing")).textContent).toBe("digitando…");
    act(() => useRealtime.setState({ typing: { c1: { u2: later } } }));
    await waitFor(() => expect(screen.getByTestId("typing").textContent).toBe("Bruno está digitando…"));
    act(() => useRealtime.setState({ typing: { c1: { u2: Date.now() - 1 } } }));
    await waitFor(() => expect(screen.queryByTestId("typing")).toBeNull(), { timeout: 2_000 });
    useRealtime.setState({ typing: {} });
  });

  it("goes back to the list and toggles the details panel", async () => {
    serve(conversation(), []);
    useInboxUi.setState({ detailsOpen: false });
    const router = renderPane();
    const toggle = await screen.findByTestId("details-toggle");
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    expect(useInboxUi.getState().detailsOpen).toBe(true);
    fireEvent.click(screen.getByTestId("chat-back"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/inbox"));
  });
});

describe("lost access", () => {
  it("replaces a stale chat with a way back when the conversation answers 404", async () => {
    let gone = false;
    fakeApi((c: Call) => {
      if (c.method === "GET" && c.path === "/api/v1/conversations/c1") return gone ? json(404, { error: { code: "not_found", message: "x" } }) : json(200, conversation());
      if (c.method === "GET" && c.path === "/api/v1/conversations/c1/messages") return json(200, { items: [message({ id: "m1" })], next_cursor: null });
      return undefined;
    });
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const root = createRootRoute({ component: Outlet });
    const inbox = createRoute({ getParentRoute: () => root, path: "/inbox", component: Outlet });
    const open = createRoute({ getParentRoute: () => inbox, path: "$conversationId", component: () => <ChatPane conversationId="c1" /> });
    const router = createRouter({ routeTree: root.addChildren([inbox.addChildren([open])]), history: createMemoryHistory({ initialEntries: ["/inbox/c1"] }) });
    render(
      <QueryClientProvider client={qc}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );
    await screen.findByTestId("composer-input");
    gone = true;
    await qc.refetchQueries({ queryKey: ["conversations"] });
    await screen.findByTestId("chat-gone");
    expect(screen.queryByTestId("composer-input")).toBeNull();
    expect(screen.getByRole("link", { name: "Voltar para as conversas" }).getAttribute("href")).toBe("/inbox");
  });
});
