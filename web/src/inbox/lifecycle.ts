// Taking a conversation ("Atender") and, after a resolve, undoing it. The API keeps the rules
// (atende-core's inbox::lifecycle): these helpers only decide what to offer.

import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";

import type { Role } from "../api/client";
import { api, unwrap } from "../api/client";
import { errorMessage } from "../api/errors";
import type { Translate } from "../api/errors";
import { toast } from "../components/ui/Toaster";
import { can } from "../lib/permissions";
import { useTenantId } from "../lib/useTenantId";
import type { Conversation } from "./queries";
import { invalidateConversation, useConversationMutation } from "./queries";

/** "Atender" is offered on a conversation nobody handles, to a role that works conversations. */
export function canTake(c: Pick<Conversation, "assignee_id" | "status">, role: Role | null | undefined): boolean {
  return c.assignee_id == null && can(role, "conversations.work") && !["resolved", "archived", "spam"].includes(c.status);
}

export function useTake(id: string) {
  return useConversationMutation(id, () => unwrap(api.POST("/api/v1/conversations/{id}/take", { params: { path: { id } } })));
}

/** The tenant's `assign_on_reply` setting: on unless stored as `false` (the API's default). */
export function assignOnReplyOf(settings: Record<string, unknown>): boolean {
  return settings.assign_on_reply !== false;
}

/**
 * After a resolve: the "Conversa resolvida" toast with "Desfazer", which puts the conversation
 * back as it was (`POST …/resolve/undo`: status, assignee and snooze). The call is made outside
 * the component, so it works after the screen moved on.
 */
export function useResolvedToast() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const tenant = useTenantId();
  return useCallback(
    (id: string) =>
      toast.success(t("lifecycle.resolved"), {
        label: t("lifecycle.undo"),
        run: () => {
          unwrap(api.POST("/api/v1/conversations/{id}/resolve/undo", { params: { path: { id } } })).then(
            () => {
              invalidateConversation(qc, tenant, id);
              toast.success(t("lifecycle.undone"));
            },
            (e: unknown) => toast.error(errorMessage(t as unknown as Translate, e)),
          );
        },
      }),
    [t, qc, tenant],
  );
}
