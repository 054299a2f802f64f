// Mirrors atende-domain's permission table, to hide what a role cannot do. The API enforces it.

import type { Role } from "../api/client";

export type Action =
  | "tenant.update"
  | "members.invite"
  | "members.manage"
  | "departments.manage"
  | "teams.manage"
  | "tags.manage"
  | "quick_replies.manage"
  | "contacts.write"
  | "conversations.work"
  | "conversations.manage"
  | "channels.manage"
  | "audit.read"
  | "api_keys.manage"
  | "flows.manage";

const RANK: Record<Role, number> = { viewer: 0, agent: 1, supervisor: 2, admin: 3 };

export function can(role: Role | null | undefined, action: Action): boolean {
  if (!role) return false;
  switch (action) {
    case "conversations.manage":
    case "departments.manage":
    case "teams.manage":
    case "tags.manage":
    case "quick_replies.manage":
    case "flows.manage":
      return RANK[role] >= RANK.supervisor;
    case "contacts.write":
    case "conversations.work":
      return RANK[role] >= RANK.agent;
    default:
      return role === "admin";
  }
}

/** Roles a member with `role` may hand out (never above their own). */
export function assignableRoles(role: Role | null | undefined): Role[] {
  if (!role) return [];
  return (Object.keys(RANK) as Role[]).filter((r) => RANK[r] <= RANK[role]);
}
