// The signed-in session: tokens kept in localStorage (shared by the tabs of this browser) and a
// zustand store the UI subscribes to. Refreshing is serialized across tabs with the Web Locks
// API, because the API revokes a whole session when a rotated refresh token is presented twice.

import { create } from "zustand";

import type { components } from "../api/schema";

export type TokenResponse = components["schemas"]["TokenResponse"];

export interface Session {
  accessToken: string;
  refreshToken: string;
}

const STORAGE_KEY = "atende.session";

/** Dispatched on `window` when another tab replaced the session (sign-in, refresh, switch). */
export const SESSION_REPLACED = "atende:session-replaced";

export function readStoredSession(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Session>;
    if (typeof v.accessToken === "string" && typeof v.refreshToken === "string") {
      return { accessToken: v.accessToken, refreshToken: v.refreshToken };
    }
  } catch {
    // Unreadable storage: treat as signed out.
  }
  return null;
}

function writeStoredSession(s: Session | null) {
  try {
    if (s) localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Private mode without storage: the session lives in memory only.
  }
}

interface SessionState {
  session: Session | null;
  /** Why the last session ended without the user asking (an API error code), for the sign-in page. */
  endedReason: string | null;
  signIn: (t: Pick<TokenResponse, "access_token" | "refresh_token">) => void;
  signOut: (reason?: string | null) => void;
}

export const useSession = create<SessionState>((set) => ({
  session: readStoredSession(),
  endedReason: null,
  signIn: (t) => {
    const s = { accessToken: t.access_token, refreshToken: t.refresh_token };
    writeStoredSession(s);
    set({ session: s, endedReason: null });
  },
  signOut: (reason = null) => {
    writeStoredSession(null);
    set({ session: null, endedReason: reason });
  },
}));

// Another tab signed in, refreshed or signed out.
if (typeof window !== "undefined") {
  window.addEventListener("storage", (e) => {
    if (e.key !== STORAGE_KEY && e.key !== null) return;
    const s = readStoredSession();
    const cur = useSession.getState().session;
    if (s?.accessToken !== cur?.accessToken) {
      useSession.setState({ session: s });
      // The other tab may have switched tenant: what this tab shows must be fetched again.
      window.dispatchEvent(new Event(SESSION_REPLACED));
    }
  });
}

export function accessToken(): string | null {
  return useSession.getState().session?.accessToken ?? null;
}

async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (locks?.request) return locks.request(name, fn) as Promise<T>;
  return fn();
}

/**
 * Exchanges the refresh token for a new pair. `stale` is the access token the API refused: when
 * another tab has already replaced it, its tokens are adopted instead of refreshing again.
 * Ends the session when the API refuses the refresh token (expired, revoked, reused).
 */
export async function refreshSession(stale: string, fetchFn: typeof fetch = fetch): Promise<boolean> {
  return withLock("atende-refresh", async () => {
    const stored = readStoredSession();
    if (!stored) {
      useSession.getState().signOut("invalid_token");
      return false;
    }
    if (stored.accessToken !== stale) {
      useSession.setState({ session: stored });
      return true;
    }
    let res: Response;
    try {
      const origin = typeof location !== "undefined" ? location.origin : "";
      res = await fetchFn(`${origin}/api/v1/auth/refresh`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: stored.refreshToken }),
      });
    } catch {
      return false; // offline: keep the session, the request fails with a network error
    }
    if (res.ok) {
      const body = (await res.json()) as TokenResponse;
      useSession.getState().signIn(body);
      return true;
    }
    if (res.status === 401 || res.status === 403) {
      let code = "invalid_token";
      try {
        const body = (await res.json()) as { error?: { code?: string } };
        code = body.error?.code ?? code;
      } catch {
        // keep the default
      }
      useSession.getState().signOut(code);
    }
    return false;
  });
}
