// The fetch under the typed client: adds the bearer access token and, when the API answers 401,
// refreshes the session once (shared by every request that failed meanwhile) and retries the
// original request, so the screen the user is on is never lost to an expired access token.

/** Endpoints that must never trigger a refresh (they are the way to get tokens). */
const NO_REFRESH = ["/api/v1/auth/token", "/api/v1/auth/refresh", "/api/v1/auth/magic-link"];

export interface AuthFetchDeps {
  fetch: (req: Request) => Promise<Response>;
  /** The current access token, or null when signed out. */
  getAccessToken: () => string | null;
  /**
   * Gets a fresh access token; `stale` is the token that was just refused. Resolves true when a
   * new token is in place. Must be deduplicated by the caller (see `singleFlight`).
   */
  refresh: (stale: string) => Promise<boolean>;
}

function pathOf(url: string): string {
  try {
    return new URL(url, "http://x").pathname;
  } catch {
    return url;
  }
}

function withToken(req: Request, token: string | null): Request {
  if (!token) return req;
  const headers = new Headers(req.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return new Request(req, { headers });
}

export function createAuthFetch(deps: AuthFetchDeps): (req: Request) => Promise<Response> {
  return async (req: Request) => {
    const path = pathOf(req.url);
    const token = deps.getAccessToken();
    const canRetry = token !== null && !NO_REFRESH.some((p) => path.startsWith(p));
    // The body can be read once: keep a copy for the retry.
    const spare = canRetry ? req.clone() : null;
    const res = await deps.fetch(withToken(req, token));
    if (res.status !== 401 || !spare || !token) return res;

    // Another request may already have refreshed while this one was in flight.
    const now = deps.getAccessToken();
    const fresh = now !== null && now !== token ? true : await deps.refresh(token);
    const next = deps.getAccessToken();
    if (!fresh || !next) return res;
    return deps.fetch(withToken(spare, next));
  };
}

/** Wraps an async function so that concurrent calls share one run. */
export function singleFlight<A extends unknown[], T>(fn: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let inflight: Promise<T> | null = null;
  return (...args: A) => {
    if (!inflight) {
      inflight = fn(...args).finally(() => {
        inflight = null;
      });
    }
    return inflight;
  };
}
