// The fake API of the component tests: `fetch` replaced by a handler that records every request
// (method, path, query, body, headers). The signed-in user's own endpoints answer first; the
// handler answers the rest with a Response, or a value sent as 200 JSON; the inbox's lookups
// default to empty pages; anything else is a 404 with the API's error body.

import { vi } from "vitest";

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | null;
  headers: Headers;
}

export type Handler = (call: Call) => unknown;

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export function apiError(status: number, code: string, message = code): Response {
  return json(status, { error: { code, message } });
}

export interface Identity {
  user: { id: string } & Record<string, unknown>;
  tenant: { id: string } & Record<string, unknown>;
  /** The tenant's members (`GET /tenants/{id}/members`); none by default. */
  members?: unknown[];
}

const EMPTY_LISTS = /^\/api\/v1\/(conversations|channels|teams|departments|tags|quick-replies|contacts)$/;

export function stubFetch(who: Identity, handler: Handler): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request | string, init?: RequestInit) => {
      const req = typeof input === "string" ? new Request(new URL(input, location.origin), init) : input;
      const url = new URL(req.url);
      const text = req.method === "GET" ? "" : await req.text();
      const call: Call = { method: req.method, path: url.pathname, query: url.searchParams, body: text ? (JSON.parse(text) as Record<string, unknown>) : null, headers: req.headers };
      calls.push(call);
      if (call.method === "GET" && call.path === "/api/v1/users/me") return json(200, { user: who.user, tenant: who.tenant, tenants: [who.tenant], impersonator_id: null });
      const out = handler(call);
      if (out instanceof Response) return out;
      if (out !== undefined) return json(200, out);
      if (call.method === "GET" && call.path === `/api/v1/tenants/${who.tenant.id}/members`) return json(200, { items: who.members ?? [], next_cursor: null });
      if (call.method === "GET" && EMPTY_LISTS.test(call.path)) return json(200, { items: [], next_cursor: null });
      return apiError(404, "route_not_found", "no such route");
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
