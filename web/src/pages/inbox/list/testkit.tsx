// Test helpers for the inbox's list and side panel: a fake API (fetch stub that records every
// request) and the whole app rendered at a URL, signed in as an agent.

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider, createMemoryHistory } from "@tanstack/react-router";
import { render } from "@testing-library/react";
import { vi } from "vitest";

import type { Schemas } from "../../../api/client";
import { useSession } from "../../../auth/session";
import type { Conversation } from "../../../inbox/queries";
import { makeRouter } from "../../../router";

export const me = { id: "u1", email: "maria@example.com", name: "Maria Souza", locale: "pt-BR", is_super_admin: false, totp_enabled: false, active: true, created_at: "2026-01-01T00:00:00Z" };

export function tenantAs(role: Schemas["Role"]) {
  return { id: "t1", slug: "demo", name: "Demo", status: "active", role };
}

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export type Handler = (call: Call) => unknown;

export function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** Stubs fetch: `handler` answers (a Response, or a value sent as 200 JSON); unknown routes 404. */
export function fakeApi(handler: Handler, role: Schemas["Role"] = "agent"): Call[] {
  const calls: Call[] = [];
  const tenant = tenantAs(role);
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request | string, init?: RequestInit) => {
      const req = typeof input === "string" ? new Request(new URL(input, location.origin), init) : input;
      const url = new URL(req.url);
      const text = req.method === "GET" ? "" : await req.text();
      const call = { method: req.method, path: url.pathname, query: url.searchParams, body: text ? (JSON.parse(text) as unknown) : null };
      calls.push(call);
      if (call.method === "GET" && call.path === "/api/v1/users/me") return json(200, { user: me, tenant, tenants: [tenant], impersonator_id: null });
      const out = handler(call);
      if (out instanceof Response) return out;
      if (out !== undefined) return json(200, out);
      if (call.method === "GET" && /^\/api\/v1\/(conversations|channels|teams|departments|tags|tenants\/t1\/members)$/.test(call.path)) return json(200, { items: [], next_cursor: null });
      return json(404, { error: { code: "route_not_found", message: "no such route" } });
    }),
  );
  // The realtime client must not dial out from a test.
  vi.stubGlobal(
    "WebSocket",
    class {
      static OPEN = 1;
      readyState = 0;
      send() {}
      close() {}
    },
  );
  return calls;
}

export function renderApp(url: string) {
  useSession.setState({ session: { accessToken: "a1", refreshToken: "r1" }, endedReason: null });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = makeRouter(qc, createMemoryHistory({ initialEntries: [url] }));
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router, qc };
}

/** A conversation as the API returns it. */
export function conv(id: string, minutesAgo: number, over: Partial<Conversation> = {}): Conversation {
  const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  return {
    id,
    channel_id: "ch1",
    contact: { id: `k-${id}`, name: `Cliente ${id}` },
    created_at: at,
    last_message_at: at,
    updated_at: at,
    last_message: { id: `m-${id}`, body: `Oi de ${id}`, created_at: at, direction: "inbound", type: "text" },
    priority: "normal",
    status: "open",
    tags: [],
    unread_count: 0,
    window_open: true,
    ...over,
  };
}

/** The rows' conversation ids, top to bottom. */
export function rowIds(): string[] {
  return [...document.querySelectorAll<HTMLElement>("[data-testid='conversation-row']")].map((el) => el.dataset.conversationId ?? "");
}
