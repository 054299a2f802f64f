import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { Schemas } from "../api/client";
import { useSession } from "../auth/session";

export type Me = Schemas["MeView"];

export const meQueryKey = ["me"] as const;

/** The caller, their current tenant and every tenant they belong to. */
export function useMe() {
  const signedIn = useSession((s) => s.session !== null);
  return useQuery({
    queryKey: meQueryKey,
    queryFn: () => unwrap(api.GET("/api/v1/users/me")),
    enabled: signedIn,
    staleTime: 60_000,
  });
}

/** The current tenant's role, or null (platform-only super admin session). */
export function useRole() {
  const { data } = useMe();
  return data?.tenant?.role ?? null;
}
