// @vitest-environment node
import { describe, expect, it, vi } from "vitest";

import { createAuthFetch, singleFlight } from "./authFetch";

const URL_ME = "http://app.test/api/v1/users/me";

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** A fake API: accepts only `valid` as the bearer token; records every request. */
function fakeApi(valid: { token: string }) {
  const seen: Array<{ url: string; auth: string | null; body: string }> = [];
  const fetch = vi.fn(async (req: Request) => {
    const body = req.body ? await req.text() : "";
    const auth = req.headers.get("Authorization");
    seen.push({ url: req.url, auth, body });
    if (auth !== `Bearer ${valid.token}`) return json(401, { error: { code: "token_expired", message: "expired" } });
    return json(200, { ok: true, echo: body });
  });
  return { fetch, seen };
}

describe("createAuthFetch", () => {
  it("sends the bearer token", async () => {
    const api = fakeApi({ token: "a1" });
    const f = createAuthFetch({ fetch: api.fetch, getAccessToken: () => "a1", refresh: vi.fn() });
    const res = await f(new Request(URL_ME));
    expect(res.status).toBe(200);
    expect(api.seen[0]?.auth).toBe("Bearer a1");
  });

  it("refreshes once on 401 and retries the original request with its body", async () => {
    const valid = { token: "new" };
    const api = fakeApi(valid);
    let token = "old";
    const refresh = vi.fn(async () => {
      token = "new";
      return true;
    });
    const f = createAuthFetch({ fetch: api.fetch, getAccessToken: () => token, refresh });
    const res = await f(new Request("http://app.test/api/v1/teams", { method: "POST", body: '{"name":"Vendas"}', headers: { "Content-Type": "application/json" } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, echo: '{"name":"Vendas"}' });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(refresh).toHaveBeenCalledWith("old");
    expect(api.seen.map((s) => s.auth)).toEqual(["Bearer old", "Bearer new"]);
    expect(api.seen[1]?.body).toBe('{"name":"Vendas"}');
  });

  it("shares one refresh between concurrent 401s", async () => {
    const valid = { token: "new" };
    const api = fakeApi(valid);
    let token = "old";
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const run = vi.fn(async () => {
      await gate;
      token = "new";
      return true;
    });
    const f = createAuthFetch({ fetch: api.fetch, getAccessToken: () => token, refresh: singleFlight(run) });
    const all = Promise.all([f(new Request(URL_ME)), f(new Request(URL_ME)), f(new Request(URL_ME))]);
    await vi.waitFor(() => expect(api.seen.length).toBe(3));
    release();
    const results = await all;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("does not refresh again when another request already replaced the token", async () => {
    const api = fakeApi({ token: "new" });
    let token = "old";
    // The first response arrives after the token has changed (another request refreshed).
    const slow = vi.fn(async (req: Request) => {
      const res = await api.fetch(req);
      token = "new";
      return res;
    });
    const refresh = vi.fn(async () => true);
    const f = createAuthFetch({ fetch: slow, getAccessToken: () => token, refresh });
    const res = await f(new Request(URL_ME));
    expect(res.status).toBe(200);
    expect(refresh).not.toHaveBeenCalled();
  });

  it("returns the 401 when the refresh fails", async () => {
    const api = fakeApi({ token: "never" });
    const refresh = vi.fn(async () => false);
    const f = createAuthFetch({ fetch: api.fetch, getAccessToken: () => "old", refresh });
    const res = await f(new Request(URL_ME));
    expect(res.status).toBe(401);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(api.seen).toHaveLength(1);
  });

  it("never refreshes for the sign-in endpoints or without a session", async () => {
    const api = fakeApi({ token: "x" });
    const refresh = vi.fn(async () => true);
    const signedIn = createAuthFetch({ fetch: api.fetch, getAccessToken: () => "old", refresh });
    expect((await signedIn(new Request("http://app.test/api/v1/auth/token", { method: "POST", body: "{}" }))).status).toBe(401);
    expect((await signedIn(new Request("http://app.test/api/v1/auth/refresh", { method: "POST", body: "{}" }))).status).toBe(401);
    const signedOut = createAuthFetch({ fetch: api.fetch, getAccessToken: () => null, refresh });
    expect((await signedOut(new Request(URL_ME))).status).toBe(401);
    expect(refresh).not.toHaveBeenCalled();
    expect(api.seen[2]?.auth).toBeNull();
  });
});

describe("singleFlight", () => {
  it("runs again after the previous run settled", async () => {
    const fn = vi.fn(async (n: number) => n * 2);
    const once = singleFlight(fn);
    expect(await Promise.all([once(1), once(2)])).toEqual([2, 2]);
    expect(await once(3)).toBe(6);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("lets the next caller retry after a failure", async () => {
    let fail = true;
    const once = singleFlight(async () => {
      if (fail) throw new Error("boom");
      return "ok";
    });
    await expect(once()).rejects.toThrow("boom");
    fail = false;
    await expect(once()).resolves.toBe("ok");
  });
});
