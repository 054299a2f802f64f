// The sentence a system message reads as. Assignments and transfers are stored as the words
// "assigned"/"transferred" with `{from, to, by}` ids (atende-core's inbox::conversations);
// resolves and reopens as "resolved"/"reopened" with `{from, to, by}` and, for an undone
// resolve, `undo` (atende-core's inbox::lifecycle). The names and the language are the
// reader's. Provider notices keep their own text.

import type { Translate } from "../../../api/errors";
import type { Message } from "../../../inbox/queries";

export interface Directory {
  me: string | null;
  members: ReadonlyMap<string, string>;
  teams: ReadonlyMap<string, string>;
  departments: ReadonlyMap<string, string>;
}

interface Side {
  assignee_id?: string | null;
  team_id?: string | null;
  department_id?: string | null;
}

const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

function whoDid(byId: string | null, dir: Directory, t: Translate): string {
  return byId === null ? t("chat.systemText.someone") : byId === dir.me ? t("chat.systemText.you") : (dir.members.get(byId) ?? t("chat.systemText.someone"));
}

export function systemText(m: Message, dir: Directory, t: Translate): string {
  const payload = (m.payload ?? {}) as { to?: Side; by?: unknown; undo?: unknown };
  if (m.body === "resolved" || m.body === "reopened") {
    const by = whoDid(str(payload.by), dir, t);
    const key = m.body === "resolved" ? "resolved" : str(payload.undo) ? "undone" : "reopened";
    return t(`lifecycle.line.${key}`, { by });
  }
  const action = m.body === "assigned" || m.body === "transferred" ? m.body : null;
  if (!action || !payload.to) return m.body || t("chat.system");
  const byId = str(payload.by);
  const by = whoDid(byId, dir, t);
  const to = payload.to;
  const agent = str(to.assignee_id);
  const team = str(to.team_id);
  const department = str(to.department_id);
  const verb = action === "transferred" ? "transferred" : "assigned";
  if (agent) {
    if (action === "assigned" && agent === byId) return t("chat.systemText.took", { by });
    const name = agent === dir.me ? t("chat.systemText.youObject") : (dir.members.get(agent) ?? t("chat.systemText.someoneObject"));
    return t(`chat.systemText.${verb}Agent`, { by, agent: name });
  }
  if (team) return t(`chat.systemText.${verb}Team`, { by, team: dir.teams.get(team) ?? "—" });
  if (department) return t(`chat.systemText.${verb}Department`, { by, department: dir.departments.get(department) ?? "—" });
  return t("chat.systemText.unassigned", { by });
}
