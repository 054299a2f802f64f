// Taking a conversation ("Atender") and, after a resolve, undoing it. The API keeps the rules
// (atende-core's inbox::lifecycle): these helpers only decide what to offer.

import type { Role } from "../api/client";
import { api, unwrap } from "../api/client";
import { can } from "../lib/permissions";
import type { Conversation } from "./queries";
import { useConversationMutation } from "./queries";

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
