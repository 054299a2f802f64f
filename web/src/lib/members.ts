import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../api/client";
import type { Schemas } from "../api/client";
import { useTenantId } from "./useTenantId";

export type Member = Schemas["MemberView"];

/** Every member of the current tenant (all pages), for pickers and name lookups. */
export function useAllMembers() {
  const tenant = useTenantId();
  return useQuery({
    queryKey: ["members", tenant, "all"],
    enabled: tenant !== "",
    staleTime: 60_000,
    queryFn: async () => {
      const out: Member[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await unwrap(
          api.GET("/api/v1/tenants/{tenant}/members", { params: { path: { tenant }, query: { limit: 200, cursor } } }),
        );
        out.push(...page.items);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      return out;
    },
  });
}
