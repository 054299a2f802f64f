// The typed API client (openapi-fetch over the generated schema) and helpers for TanStack Query.

import createClient from "openapi-fetch";

import { accessToken, refreshSession } from "../auth/session";
import { createAuthFetch, singleFlight } from "./authFetch";
import { toApiError } from "./errors";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Role = Schemas["Role"];
export const ROLES: Role[] = ["viewer", "agent", "supervisor", "admin"];

const refreshOnce = singleFlight((stale: string) => refreshSession(stale));

export const authFetch = createAuthFetch({
  fetch: (req) => fetch(req),
  getAccessToken: accessToken,
  refresh: refreshOnce,
});

/** Same origin, as an absolute URL (Request objects outside a browser need one). */
export const apiOrigin = typeof location !== "undefined" ? location.origin : "";

export const api = createClient<paths>({ baseUrl: apiOrigin, fetch: authFetch });

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Resolves to the response data, or throws an ApiError built from the error body. */
export async function unwrap<T>(p: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await p;
  if (!response.ok || error !== undefined) throw toApiError(response, error);
  return data as T;
}
