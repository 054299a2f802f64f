// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from "vitest";

import { SESSION_REPLACED, readStoredSession, refreshSession, useSession } from "./session";

function tokens(access: string, refresh: string) {
  return {
    access_token: access,
    refresh_token: refresh,
    token_type: "Bearer",
    expires_in: 900,
    user: { id: "u", email: "a@b.c", name: "A", locale: "pt-BR", is_super_admin: false, totp_enabled: false, active: true, created_at: "" },
    tenants: [],
    tenant: null,
  };
}

beforeEach(() => {
  localStorage.clear();
  useSession.setState({ session: null, endedReason: null });
});

describe("refreshSession", () => {
  it("stores the new pair", async () => {
    useSession.getState().signIn(tokens("a1", "r1"));
    const fetchFn = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      expect(JSON.parse(String(init?.body))).toEqual({ refresh_token: "r1" });
      return new Response(JSON.stringify(tokens("a2", "r2")), { status: 200 });
    });
    expect(await refreshSession("a1", fetchFn as typeof fetch)).toBe(true);
    expect(useSession.getState().session).toEqual({ accessToken: "a2", refreshToken: "r2" });
    expect(readStoredSession()).toEqual({ accessToken: "a2", refreshToken: "r2" });
  });

  it("adopts tokens another tab refreshed instead of presenting the old refresh token", async () => {
    useSession.getState().signIn(tokens("a1", "r1"));
    // Another tab rotated the pair: only localStorage knows.
    localStorage.setItem("atende.session", JSON.stringify({ accessToken: "a2", refreshToken: "r2" }));
    const fetchFn = vi.fn();
    expect(await refreshSession("a1", fetchFn as unknown as typeof fetch)).toBe(true);
    expect(fetchFn).not.toHaveBeenCalled();
    expect(useSession.getState().session?.accessToken).toBe("a2");
  });

  it("ends the session with the API's reason when the refresh token is refused", async () => {
    useSession.getState().signIn(tokens("a1", "r1"));
    const fetchFn = vi.fn(async () => new Response(JSON.stringify({ error: { code: "token_reused", message: "reused" } }), { status: 401 }));
    expect(await refreshSession("a1", fetchFn as unknown as typeof fetch)).toBe(false);
    expect(useSession.getState().session).toBeNull();
    expect(useSession.getState().endedReason).toBe("token_reused");
    expect(readStoredSession()).toBeNull();
  });

  it("keeps the session when the network fails", async () => {
    useSession.getState().signIn(tokens("a1", "r1"));
    const fetchFn = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(await refreshSession("a1", fetchFn as unknown as typeof fetch)).toBe(false);
    expect(useSession.getState().session?.accessToken).toBe("a1");
  });
});

describe("other tabs", () => {
  it("follow a session another tab replaced, and say so", () => {
    useSession.getState().signIn(tokens("a1", "r1"));
    const replaced = vi.fn();
    window.addEventListener(SESSION_REPLACED, replaced);
    localStorage.setItem("atende.session", JSON.stringify({ accessToken: "b1", refreshToken: "s1" }));
    window.dispatchEvent(new StorageEvent("storage", { key: "atende.session" }));
    expect(useSession.getState().session).toEqual({ accessToken: "b1", refreshToken: "s1" });
    expect(replaced).toHaveBeenCalledTimes(1);
    localStorage.removeItem("atende.session");
    window.dispatchEvent(new StorageEvent("storage", { key: "atende.session" }));
    expect(useSession.getState().session).toBeNull();
    window.removeEventListener(SESSION_REPLACED, replaced);
  });
});
