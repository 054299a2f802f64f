// Test helpers for the inbox's list and side panel: the fake API signed in as an agent, and the
// whole app rendered at a URL.

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider, createMemoryHistory } from "@tanstack/react-router";
import { render } from "@testing-library/react";

import type { Schemas } from "../../../api/client";
import { useSession } from "../../../auth/session";
import type { Conversation } from "../../../inbox/queries";
import { makeRouter } from "../../../router";
import { stubFetch } from "../../../test/fakeApi";
import type { Call, Handler } from "../../../test/fakeApi";

export const me = { id: "u1", email: "maria@example.com", name: "Maria Souza", locale: "pt-BR", is_super_admin: false, totp_enabled: false, active: true, created_at: "2026-01-01T00:00:00Z" };

export function tenantAs(role: Schemas["Role"]) {
  return { id: "t1", slug: "demo", name: "Demo", status: "active", role };
}

export type { Call, Handler } from "../../../test/fakeApi";
export { json } from "../../../test/fakeApi";

/** The fake API (src/test/fakeApi.ts), signed in as `me` with `role`. */
export function fakeApi(handler: Handler, role: Schemas["Role"] = "agent"): Call[] {
  return stubFetch({ user: me, tenant: tenantAs(role) }, handler);
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
