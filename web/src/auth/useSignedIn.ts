import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";

import { setLanguage } from "../i18n";
import type { Me } from "../lib/me";
import { meQueryKey } from "../lib/me";
import type { TokenResponse } from "./session";
import { useSession } from "./session";

/** Starts a session from a token response: stores the tokens, seeds `me`, applies the user's language. */
export function useStartSession() {
  const qc = useQueryClient();
  const signIn = useSession((s) => s.signIn);
  return useCallback(
    async (t: TokenResponse) => {
      qc.clear();
      signIn(t);
      const me: Me = { user: t.user, tenant: t.tenant ?? null, tenants: t.tenants, impersonator_id: null };
      qc.setQueryData(meQueryKey, me);
      await setLanguage(t.user.locale);
    },
    [qc, signIn],
  );
}
