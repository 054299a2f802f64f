import { useNavigate } from "@tanstack/react-router";
import { ArrowRightLeft, UserPlus } from "lucide-react";
import type { ReactNode } from "react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../../components/ui/Button";
import { Dialog } from "../../../components/ui/Dialog";
import { Field, Textarea } from "../../../components/ui/Field";
import { useAssign, useTransfer } from "../../../inbox/queries";
import type { Conversation } from "../../../inbox/queries";
import type { Schemas } from "../../../api/client";
import { useAllMembers } from "../../../lib/members";
import { useMe } from "../../../lib/me";
import { useDepartmentList, useMemberNames, useTeams, workable } from "../../../inbox/lookups";
import { NamedSelect } from "../list/NamedSelect";
import type { Named } from "../list/NamedSelect";
import { usePanelRights, useRunner } from "./hooks";
import { PanelSection } from "./InlineEdit";

/** Who can receive a conversation: agents (by user id), teams, departments. */
function useTargets() {
  const members = useAllMembers().data ?? [];
  return {
    agents: workable(members).map((m) => ({ id: m.user_id, name: m.name })),
    teams: useTeams(),
    departments: useDepartmentList(),
  };
}

/**
 * Whether a change hands the conversation to someone else or to another team: an agent without
 * `conversations.manage` then no longer sees it (and leaves it for the list).
 */
export function handsAway(c: Pick<Conversation, "team_id">, me: string | undefined, to: { user_id?: string | null; team_id?: string | null }): boolean {
  if (to.user_id && to.user_id !== me) return true;
  return !!to.team_id && to.team_id !== c.team_id;
}

/** After a change: back to the list when the conversation went away from an agent. */
function useLeaveIfGone(c: Conversation) {
  const navigate = useNavigate();
  const { manage } = usePanelRights();
  const me = useMe().data?.user.id;
  return (to: { user_id?: string | null; team_id?: string | null }) => {
    if (!manage && handsAway(c, me, to)) void navigate({ to: "/inbox" });
  };
}

/** The transfer body: the chosen targets and the note (which becomes a private note). */
export function transferBody(f: { userId: string; teamId: string; departmentId: string; note: string }): Schemas["TransferBody"] {
  // The form names at least one target before it sends (the document's "at least one of").
  const body = {} as Schemas["TransferBody"];
  if (f.userId) body.user_id = f.userId;
  if (f.teamId) body.team_id = f.teamId;
  if (f.departmentId) body.department_id = f.departmentId;
  if (f.note.trim()) body.note = f.note.trim();
  return body;
}

function TransferDialog({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const { t } = useTranslation();
  const transfer = useTransfer(conversation.id);
  const run = useRunner();
  const leave = useLeaveIfGone(conversation);
  const { agents, teams, departments } = useTargets();
  const [form, setForm] = useState({ userId: "", teamId: "", departmentId: "", note: "" });
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const ready = !!(form.userId || form.teamId || form.departmentId);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={t("conv.transfer.title")} description={t("conv.transfer.description")}>
      <form
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          const body = transferBody(form);
          void run(transfer, body, t("conv.transfer.done"), () => {
            onClose();
            leave(body);
          });
        }}
      >
        <NamedSelect testId="transfer-agent" label={t("conv.assign.agent")} none={t("conv.transfer.anyAgent")} value={form.userId} onChange={(userId) => set({ userId })} items={agents.filter((a) => a.id !== conversation.assignee_id)} />
        <NamedSelect testId="transfer-team" label={t("conv.assign.team")} none={t("conv.assign.noTeam")} value={form.teamId} onChange={(teamId) => set({ teamId })} items={teams} />
        <NamedSelect testId="transfer-department" label={t("conv.assign.department")} none={t("conv.assign.noDepartment")} value={form.departmentId} onChange={(departmentId) => set({ departmentId })} items={departments} />
        <Field label={t("conv.transfer.note")} hint={t("conv.transfer.noteHint")}>
          <Textarea data-testid="transfer-note" maxLength={4096} value={form.note} onChange={(e) => set({ note: e.target.value })} />
        </Field>
        <div className="flex justify-end gap-2 pt-1">
          <Button variant="secondary" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" data-testid="transfer-submit" disabled={!ready} loading={transfer.isPending} icon={<ArrowRightLeft aria-hidden className="size-4" />}>
            {t("conv.transfer.submit")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function Line({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-3 py-0.5 text-sm">
      <span className="text-slate-500">{label}</span>
      <span className="min-w-0 truncate text-right font-medium text-slate-900">{children}</span>
    </div>
  );
}

/** Who has the conversation (agent, team, department): take it, hand it over, transfer it. */
export function Assignment({ conversation: c }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const { work, manage } = usePanelRights();
  const me = useMe().data?.user.id;
  const assign = useAssign(c.id);
  const run = useRunner();
  const { agents, teams, departments } = useTargets();
  const [transferring, setTransferring] = useState(false);
  const nameOf = (items: Named[], id: string | null | undefined, none: string) => (id ? (items.find((x) => x.id === id)?.name ?? "…") : none);
  const names = useMemberNames();
  const assigneeName = c.assignee_id === me ? t("conv.assign.you") : c.assignee_id ? (names.get(c.assignee_id) ?? "…") : t("conv.assign.nobody");
  const someoneElses = !!c.assignee_id && c.assignee_id !== me;
  /** The server refuses (403) an agent's changes to a colleague's conversation. */
  const locked = someoneElses && !manage;
  const leave = useLeaveIfGone(c);
  const body = (patch: Schemas["AssignBody"], success: string) => void run(assign, patch, success, () => leave(patch));

  return (
    <PanelSection title={t("conv.assign.title")}>
      <Line label={t("conv.assign.agent")}>
        <span data-testid="assignee-name">{assigneeName}</span>
      </Line>
      <Line label={t("conv.assign.team")}>{nameOf(teams, c.team_id, "—")}</Line>
      <Line label={t("conv.assign.department")}>{nameOf(departments, c.department_id, "—")}</Line>
      {work ? (
        <div className="mt-3 space-y-2">
          {locked ? <p className="text-xs text-slate-500">{t("conv.assign.onlySupervisor")}</p> : null}
          <div className="flex flex-wrap gap-2">
            {c.assignee_id !== me && !locked ? (
              <Button size="sm" data-testid="assign-me" loading={assign.isPending && assign.variables?.user_id === me} icon={<UserPlus aria-hidden className="size-4" />} onClick={() => me && body({ user_id: me }, t("conv.assign.tookIt"))}>
                {t("conv.assign.me")}
              </Button>
            ) : null}
            <Button size="sm" variant="secondary" data-testid="transfer-open" disabled={locked} icon={<ArrowRightLeft aria-hidden className="size-4" />} onClick={() => setTransferring(true)}>
              {t("conv.transfer.open")}
            </Button>
          </div>
          <NamedSelect testId="assign-agent" disabled={locked} label={t("conv.assign.agent")} none={t("conv.assign.nobody")} value={c.assignee_id} onChange={(v) => body({ user_id: v || null }, t("conv.assign.done"))} items={agents} />
          <NamedSelect testId="assign-team" disabled={locked} label={t("conv.assign.team")} none={t("conv.assign.noTeam")} value={c.team_id} onChange={(v) => body({ team_id: v || null }, t("conv.assign.done"))} items={teams} />
          <NamedSelect testId="assign-department" disabled={locked} label={t("conv.assign.department")} none={t("conv.assign.noDepartment")} value={c.department_id} onChange={(v) => body({ department_id: v || null }, t("conv.assign.done"))} items={departments} />
        </div>
      ) : null}
      {transferring ? <TransferDialog conversation={c} onClose={() => setTransferring(false)} /> : null}
    </PanelSection>
  );
}
