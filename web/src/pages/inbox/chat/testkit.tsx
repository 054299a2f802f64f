// Test helpers of the chat pane (imported by its *.test.tsx files only): a fake API on `fetch`
// that records what the screens send, and a signed-in session around a component.

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";

import { useSession } from "../../../auth/session";
import type { Conversation, Message } from "../../../inbox/queries";
import { stubFetch } from "../../../test/fakeApi";
import type { Call, Handler } from "../../../test/fakeApi";

export const user = { id: "u1", email: "ana@example.com", name: "Ana", locale: "pt-BR", is_super_admin: false, totp_enabled: false, active: true, created_at: "2026-01-01T00:00:00Z" };
export const tenant = { id: "t1", slug: "demo", name: "Demo", status: "active", role: "agent" };

export type { Call, Handler } from "../../../test/fakeApi";
export { apiError, json } from "../../../test/fakeApi";

const members = (role: string) => [
  { id: "mb1", user_id: "u1", name: "Ana", email: user.email, role, active: true, has_password: true, created_at: "" },
  { id: "mb2", user_id: "u2", name: "Bruno", email: "b@example.com", role: "agent", active: true, has_password: true, created_at: "" },
];

/** The fake API (src/test/fakeApi.ts) signed in as Ana with `role`; returns the calls. */
export function fakeApi(handler: Handler, role = "agent"): Call[] {
  useSession.setState({ session: { accessToken: "a1", refreshToken: "r1" }, endedReason: null });
  return stubFetch({ user, tenant: { ...tenant, role }, members: members(role) }, handler);
}

export function renderWithClient(ui: ReactNode) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(<QueryClientProvider client={qc}>{ui}</QueryClientProvider>);
}

export function conversation(p: Partial<Conversation> = {}): Conversation {
  return {
    id: "c1",
    channel_id: "ch1",
    contact: { id: "k1", name: "Maria Souza", phone: "+5511987654321" },
    status: "open",
    priority: "normal",
    tags: [],
    unread_count: 0,
    window_open: true,
    window_closes_at: "2099-01-01T00:00:00Z",
    created_at: "2026-11-20T10:00:00Z",
    updated_at: "2026-11-20T10:00:00Z",
    last_message_at: "2026-11-20T10:00:00Z",
    ...p,
  };
}

export function message(p: Partial<Message> & { id: string }): Message {
  return { conversation_id: "c1", author: "contact", direction: "inbound", type: "text", body: "Oi", is_private_note: false, created_at: "2026-11-20T10:00:00Z", ...p };
}

/** The `POST …/messages` calls, in order. */
export function sends(calls: Call[]): Call[] {
  return calls.filter((c) => c.method === "POST" && /\/api\/v1\/conversations\/[^/]+\/messages$/.test(c.path));
}
