import { useMe } from "./me";

/** The id of the tenant the session acts in ("" for a platform-only session). */
export function useTenantId(): string {
  const { data } = useMe();
  return data?.tenant?.id ?? "";
}
