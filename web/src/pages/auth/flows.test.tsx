// @vitest-environment jsdom
// The sign-in screens against a fake API: the page logic (steps, messages, retries), not the API.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider, createMemoryHistory } from "@tanstack/react-router";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import "../../i18n";
import { useSession } from "../../auth/session";
import { makeRouter } from "../../router";

const user = { id: "u1", email: "maria@example.com", name: "Maria", locale: "pt-BR", is_super_admin: false, totp_enabled: false, active: true, created_at: "2026-01-01T00:00:00Z" };
const tenant = { id: "t1", slug: "demo", name: "Demo", status: "active", role: "agent" };
const tokens = { access_token: "a1", refresh_token: "r1", token_type: "Bearer", expires_in: 900, user, tenant, tenants: [tenant] };

type Handler = (method: string, path: string, body: Record<string, unknown> | null, req: Request) => Response | undefined;

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

const calls: Array<{ method: string; path: string; body: Record<string, unknown> | null }> = [];

function fakeApi(handler: Handler) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request | string, init?: RequestInit) => {
      const req = typeof input === "string" ? new Request(new URL(input, location.origin), init) : input;
      const path = new URL(req.url).pathname;
      const text = req.method === "GET" ? "" : await req.text();
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      calls.push({ method: req.method, path, body });
      if (req.method === "GET" && path === "/api/v1/users/me") return json(200, { user, tenant, tenants: [tenant], impersonator_id: null });
      const answer = handler(req.method, path, body, req);
      if (answer) return answer;
      // The signed-in screens' lists (the inbox's conversations, its lookups) start empty.
      if (req.method === "GET" && /^\/api\/v1\/(conversations|channels|teams|departments|tags|quick-replies|contacts)$/.test(path)) return json(200, { items: [], next_cursor: null });
      return json(404, { error: { code: "route_not_found", message: "no such route" } });
    }),
  );
}

function renderAt(url: string) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = makeRouter(qc, createMemoryHistory({ initialEntries: [url] }));
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

function type(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
  // jsdom does not implement scrolling; the router scrolls to the top on navigation.
  window.scrollTo = () => {};
});

beforeEach(() => {
  calls.length = 0;
  localStorage.clear();
  useSession.setState({ session: null, endedReason: null });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("invitation link", () => {
  it("asks for a password when the API needs one, then signs in", async () => {
    fakeApi((method, path, body) => {
      if (method === "POST" && path === "/api/v1/auth/magic-link/verify") {
        if (!body?.password) {
          return json(422, { error: { code: "validation_failed", message: "some fields are invalid", fields: { password: ["choose a password to finish the invitation"] } } });
        }
        if (String(body.password).length < 10) {
          return json(422, { error: { code: "validation_failed", message: "x", fields: { password: ["must have at least 10 characters"] } } });
        }
        return json(200, tokens);
      }
      return undefined;
    });
    renderAt("/auth/magic?token=tok1");
    await screen.findByRole("heading", { name: "Aceitar o convite" });

    type("Nova senha", "curta");
    type("Confirme a senha", "outra");
    fireEvent.click(screen.getByRole("button", { name: "Definir senha e entrar" }));
    await screen.findByText("As senhas não conferem.");
    expect(calls.filter((c) => c.path.endsWith("/verify"))).toHaveLength(1);

    type("Confirme a senha", "curta");
    fireEvent.click(screen.getByRole("button", { name: "Definir senha e entrar" }));
    await screen.findByText("Use pelo menos 10 caracteres.");

    type("Seu nome", "Maria Souza");
    type("Nova senha", "uma-senha-longa");
    type("Confirme a senha", "uma-senha-longa");
    fireEvent.click(screen.getByRole("button", { name: "Definir senha e entrar" }));
    await screen.findByText("Nenhuma conversa por aqui");
    const verifies = calls.filter((c) => c.path.endsWith("/verify"));
    expect(verifies.at(-1)?.body).toEqual({ token: "tok1", password: "uma-senha-longa", name: "Maria Souza", totp_code: null });
    expect(useSession.getState().session).toEqual({ accessToken: "a1", refreshToken: "r1" });
  });

  it("explains a used or expired link", async () => {
    fakeApi((method, path) =>
      method === "POST" && path.endsWith("/verify") ? json(401, { error: { code: "invalid_token", message: "this link is invalid, expired or already used" } }) : undefined,
    );
    renderAt("/auth/magic?token=used");
    await screen.findByText("Este link é inválido, expirou ou já foi usado. Peça um novo na tela de login.");
  });
});

describe("sign-in", () => {
  it("asks for the second factor, reports a wrong code, then signs in", async () => {
    fakeApi((method, path, body) => {
      if (method === "POST" && path === "/api/v1/auth/token") {
        if (!body?.totp_code) return json(401, { error: { code: "totp_required", message: "a code is required" } });
        if (body.totp_code !== "123456") return json(401, { error: { code: "invalid_totp", message: "wrong code" } });
        return json(200, tokens);
      }
      return undefined;
    });
    const router = renderAt("/login?redirect=%2Fsettings");
    await screen.findByRole("heading", { name: "Entrar" });
    type("E-mail", "maria@example.com");
    type("Senha", "senha-secreta-1");
    fireEvent.click(screen.getByRole("button", { name: "Entrar" }));
    await screen.findByRole("heading", { name: "Verificação em duas etapas" });

    type("Código de verificação", "000000");
    fireEvent.click(screen.getByRole("button", { name: "Verificar" }));
    await screen.findByText("Código incorreto ou já usado. Aguarde o próximo código e tente de novo.");

    type("Código de verificação", "123456");
    fireEvent.click(screen.getByRole("button", { name: "Verificar" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/settings"));
    expect(calls.filter((c) => c.path === "/api/v1/auth/token").at(-1)?.body).toEqual({
      email: "maria@example.com",
      password: "senha-secreta-1",
      totp_code: "123456",
    });
  });

  it("shows the lockout with its wait, and the suspended tenant", async () => {
    let answer = json(429, { error: { code: "too_many_attempts", message: "too many attempts; try again later" } }, { "Retry-After": "600" });
    fakeApi((method, path) => (method === "POST" && path === "/api/v1/auth/token" ? answer.clone() : undefined));
    renderAt("/login");
    await screen.findByRole("heading", { name: "Entrar" });
    type("E-mail", "maria@example.com");
    type("Senha", "errada");
    fireEvent.click(screen.getByRole("button", { name: "Entrar" }));
    await screen.findByText("Muitas tentativas. Tente de novo em 10 minutos.");

    answer = json(403, { error: { code: "tenant_suspended", message: "this tenant is suspended; contact the platform" } });
    fireEvent.click(screen.getByRole("button", { name: "Entrar" }));
    await screen.findByText("O acesso desta empresa está suspenso. Fale com o suporte do Atende.");
  });

  it("sends a signed-out visitor to sign-in and back", async () => {
    fakeApi(() => undefined);
    const router = renderAt("/settings/users");
    await screen.findByRole("heading", { name: "Entrar" });
    expect(router.state.location.pathname).toBe("/login");
    expect(router.state.location.search).toEqual({ redirect: "/settings/users" });
  });
});

describe("forgot password", () => {
  it("goes from the sign-in page to the request, and says the same whatever the address", async () => {
    fakeApi((method, path) => (method === "POST" && path === "/api/v1/auth/password-reset" ? json(202, { status: "accepted" }) : undefined));
    renderAt("/login");
    fireEvent.click(await screen.findByRole("link", { name: "Esqueci a senha" }));
    await screen.findByRole("heading", { name: "Redefinir a senha" });
    type("E-mail", " maria@example.com ");
    fireEvent.click(screen.getByRole("button", { name: "Enviar link" }));
    await screen.findByText(/Se existir uma conta para maria@example.com/);
    expect(calls.find((c) => c.path === "/api/v1/auth/password-reset")?.body).toEqual({ email: "maria@example.com" });
  });

  it("sets the new password from the link, then sends to sign-in", async () => {
    fakeApi((method, path) => (method === "POST" && path === "/api/v1/auth/password-reset/confirm" ? new Response(null, { status: 204 }) : undefined));
    renderAt("/auth/reset?token=ml_abc");
    await screen.findByRole("heading", { name: "Escolha uma nova senha" });
    type("Nova senha", "uma-senha-longa");
    type("Confirme a senha", "outra-senha-longa");
    fireEvent.click(screen.getByRole("button", { name: "Salvar nova senha" }));
    await screen.findByText("As senhas não conferem.");
    expect(calls.filter((c) => c.path.endsWith("/confirm"))).toHaveLength(0);
    type("Confirme a senha", "uma-senha-longa");
    fireEvent.click(screen.getByRole("button", { name: "Salvar nova senha" }));
    await screen.findByText("Sua senha foi alterada. Entre com a nova senha.");
    expect(calls.find((c) => c.path.endsWith("/confirm"))?.body).toEqual({ token: "ml_abc", password: "uma-senha-longa" });
    expect(useSession.getState().session).toBeNull();
  });

  it("offers a new link when this one is used or expired", async () => {
    fakeApi((method, path) =>
      method === "POST" && path.endsWith("/confirm") ? json(401, { error: { code: "invalid_token", message: "this link is invalid, expired or already used" } }) : undefined,
    );
    renderAt("/auth/reset?token=old");
    await screen.findByLabelText("Nova senha");
    type("Nova senha", "uma-senha-longa");
    type("Confirme a senha", "uma-senha-longa");
    fireEvent.click(screen.getByRole("button", { name: "Salvar nova senha" }));
    await screen.findByRole("heading", { name: "Link inválido ou expirado" });
    expect(screen.getByRole("link", { name: "Pedir um novo link" }).getAttribute("href")).toBe("/auth/forgot");
  });
});
