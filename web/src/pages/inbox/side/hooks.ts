// Server state of the side panel that queries.ts does not cover (the contact, its other
// conversations) and the panel's shared helpers: what the role may do, translated errors.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../../api/client";
import type { Schemas } from "../../../api/client";
import { ApiError, fieldMessage } from "../../../api/errors";
import type { Translate } from "../../../api/errors";
import { toast } from "../../../components/ui/Toaster";
import { inboxKeys } from "../../../inbox/queries";
import { useRole } from "../../../lib/me";
import { can } from "../../../lib/permissions";
import { useApiError } from "../../../lib/useApiError";
import { useTenantId } from "../../../lib/useTenantId";

export type Contact = Schemas["ContactView"];

/** Under the contacts page's prefix: saving on either refreshes both. */
export const contactKey = (id: string) => ["contacts", "one", id] as const;

export function useContact(id: string | undefined) {
  return useQuery({
    queryKey: contactKey(id ?? ""),
    enabled: !!id,
    queryFn: () => unwrap(api.GET("/api/v1/contacts/{id}", { params: { path: { id: id! } } })),
  });
}

/** After a contact changes: the panel (from the answer), the contacts page and the inbox rows. */
function useContactSaved() {
  const qc = useQueryClient();
  const tenant = useTenantId();
  return (c: Contact) => {
    qc.setQueryData(contactKey(c.id), c);
    void qc.invalidateQueries({ queryKey: ["contacts"] });
    void qc.invalidateQueries({ queryKey: inboxKeys.all(tenant) });
  };
}

export function useUpdateContact(id: string) {
  const saved = useContactSaved();
  return useMutation({
    mutationFn: (body: Schemas["UpdateContactBody"]) => unwrap(api.PATCH("/api/v1/contacts/{id}", { params: { path: { id } }, body })),
    onSuccess: saved,
  });
}

export function useSetContactTags(id: string) {
  const saved = useContactSaved();
  return useMutation({
    mutationFn: (tagIds: string[]) => unwrap(api.PUT("/api/v1/contacts/{id}/tags", { params: { path: { id } }, body: { tag_ids: tagIds } })),
    onSuccess: saved,
  });
}

export const OTHER_LIMIT = 10;

/** The contact's other conversations, active or resolved, newest first. */
export function useOtherConversations(contactId: string | undefined, exclude: string) {
  const tenant = useTenantId();
  return useQuery({
    queryKey: [...inboxKeys.lists(tenant), "contact", contactId ?? ""],
    enabled: tenant !== "" && !!contactId,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/conversations", {
          params: { query: { contact_id: contactId, status: "open,pending,waiting,resolved", limit: OTHER_LIMIT + 1 } },
        }),
      ),
    select: (page) => page.items.filter((c) => c.id !== exclude).slice(0, OTHER_LIMIT),
  });
}

/** What the signed-in role may do here (the API enforces the same). */
export function usePanelRights() {
  const role = useRole();
  return {
    /** Status, snooze, priority, tags, assign, transfer (agents and up). */
    work: can(role, "conversations.work"),
    /** Take a conversation from a colleague (supervisors and admins). */
    manage: can(role, "conversations.manage"),
    editContact: can(role, "contacts.write"),
  };
}

/** Fields whose API messages are the inbox's own (the others go through the shared table). */
const FIELD_KEYS: Record<string, string> = {
  custom_attributes: "attributes",
  status: "status",
  snoozed_until: "snooze",
  user_id: "agent",
  team_id: "team",
  tag_ids: "tags",
};

/** An API error as people read it: the inbox's own codes and fields, else the usual text. */
export function useActionError() {
  const { t } = useTranslation();
  const { message } = useApiError();
  return useCallback(
    (e: unknown): string => {
      const tr = t as unknown as Translate;
      if (e instanceof ApiError) {
        for (const [field, msgs] of Object.entries(e.fields)) {
          if (FIELD_KEYS[field]) return tr(`conv.errors.${FIELD_KEYS[field]}`);
          if (msgs[0]) return fieldMessage(tr, msgs[0]);
        }
      }
      return message(e);
    },
    [t, message],
  );
}

/**
 * Runs a mutation with a toast for the outcome (success text unless `false`, or the translated
 * error). Through `mutateAsync`: `mutate`'s per-call callbacks fire for the last call only, so
 * overlapping runs would lose their toasts and `after`.
 */
export function useRunner() {
  const { t } = useTranslation();
  const errorText = useActionError();
  return useCallback(
    <V, D = unknown>(m: { mutateAsync: (v: V) => Promise<D> }, vars: V, success?: string | false, after?: (data: D) => void): Promise<D | undefined> =>
      m.mutateAsync(vars).then(
        (data) => {
          if (success !== false) toast.success(success ?? t("common.saved"));
          after?.(data);
          return data;
        },
        (e: unknown) => {
          toast.error(errorText(e));
          return undefined;
        },
      ),
    [t, errorText],
  );
}
