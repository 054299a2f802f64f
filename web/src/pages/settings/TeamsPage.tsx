import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Trash2, UserMinus, UserPlus, UsersRound } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Schemas } from "../../api/client";
import { Button, IconButton } from "../../components/ui/Button";
import { ConfirmDialog, Dialog } from "../../components/ui/Dialog";
import { Field, Input, Select, Textarea } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { Badge, PageHeader } from "../../components/ui/Page";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { useAllMembers } from "../../lib/members";
import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";
import { useDepartments } from "./DepartmentsPage";

type Team = Schemas["TeamView"];

function TeamDialog({ onClose, editing }: { onClose: () => void; editing: Team | null }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const departments = useDepartments();
  const [name, setName] = useState(editing?.name ?? "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const [department, setDepartment] = useState(editing?.department_id ?? "");
  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), description: description.trim() || null, department_id: department || null };
      return editing
        ? unwrap(api.PATCH("/api/v1/teams/{id}", { params: { path: { id: editing.id } }, body }))
        : unwrap(api.POST("/api/v1/teams", { body }));
    },
    onSuccess: () => {
      toast.success(t("common.saved"));
      void qc.invalidateQueries({ queryKey: ["teams"] });
      onClose();
    },
  });
  const err = save.error;
  const general = err && !field(err, "name") && !field(err, "department_id") ? message(err) : null;
  const depts = departments.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={editing ? t("settings.teams.edit") : t("settings.teams.create")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <Field label={t("common.name")} error={field(err, "name")}>
          <Input required autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t("settings.teams.department")} error={field(err, "department_id")}>
          <Select value={department} onChange={(e) => setDepartment(e.target.value)}>
            <option value="">{t("settings.teams.noDepartment")}</option>
            {depts.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("common.descriptionOptional")} error={field(err, "description")}>
          <Textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t("common.save")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function TeamMembersDialog({ team, onClose, manage }: { team: Team; onClose: () => void; manage: boolean }) {
  const { t } = useTranslation();
  const { message } = useApiError();
  const qc = useQueryClient();
  const members = useAllMembers();
  const [adding, setAdding] = useState("");
  const [ids, setIds] = useState<string[]>(team.member_ids);
  const byUser = new Map((members.data ?? []).map((m) => [m.user_id, m]));
  const add = useMutation({
    mutationFn: (userId: string) => unwrap(api.POST("/api/v1/teams/{id}/members", { params: { path: { id: team.id } }, body: { user_id: userId } })),
    onSuccess: (_d, userId) => {
      setIds((cur) => [...cur, userId]);
      setAdding("");
      void qc.invalidateQueries({ queryKey: ["teams"] });
    },
    onError: (e) => toast.error(message(e)),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => unwrap(api.DELETE("/api/v1/teams/{id}/members/{user_id}", { params: { path: { id: team.id, user_id: userId } } })),
    onSuccess: (_d, userId) => {
      setIds((cur) => cur.filter((x) => x !== userId));
      void qc.invalidateQueries({ queryKey: ["teams"] });
    },
    onError: (e) => toast.error(message(e)),
  });
  const candidates = (members.data ?? []).filter((m) => m.active && !ids.includes(m.user_id));
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={t("settings.teams.membersOf", { name: team.name })}>
      {manage ? (
        <form
          className="mb-4 flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding) add.mutate(adding);
          }}
        >
          <Select aria-label={t("settings.teams.pickMember")} value={adding} onChange={(e) => setAdding(e.target.value)} className="flex-1">
            <option value="">{t("settings.teams.pickMember")}</option>
            {candidates.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name} · {m.email}
              </option>
            ))}
          </Select>
          <Button type="submit" disabled={!adding} loading={add.isPending} icon={<UserPlus aria-hidden className="size-4" />}>
            {t("common.add")}
          </Button>
        </form>
      ) : null}
      {members.isPending ? (
        <LoadingBlock rows={2} />
      ) : ids.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-500">{t("settings.teams.noMembers")}</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
          {ids.map((id) => {
            const m = byUser.get(id);
            return (
              <li key={id} className="flex items-center gap-3 px-3 py-2">
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium text-slate-900">{m?.name ?? id}</p>
                  {m ? <p className="truncate text-xs text-slate-500">{m.email}</p> : null}
                </div>
                {manage ? (
                  <IconButton
                    label={t("settings.teams.removeMember", { name: m?.name ?? id })}
                    icon={<UserMinus aria-hidden className="size-4" />}
                    variant="ghost-danger"
                    loading={remove.isPending && remove.variables === id}
                    onClick={() => remove.mutate(id)}
                  />
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </Dialog>
  );
}

export function TeamsPage() {
  const { t } = useTranslation();
  const { message } = useApiError();
  const role = useRole();
  const qc = useQueryClient();
  const manage = can(role, "teams.manage");
  const departments = useDepartments();
  const deptName = new Map((departments.data?.pages.flatMap((p) => p.items) ?? []).map((d) => [d.id, d.name]));
  const q = useInfiniteQuery({
    queryKey: ["teams"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/teams", { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [editing, setEditing] = useState<{ team: Team | null; key: number } | null>(null);
  const [membersOf, setMembersOf] = useState<Team | null>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);
  const del = useMutation({
    mutationFn: (tm: Team) => unwrap(api.DELETE("/api/v1/teams/{id}", { params: { path: { id: tm.id } } })),
    onSuccess: () => {
      toast.success(t("common.deleted"));
      void qc.invalidateQueries({ queryKey: ["teams"] });
    },
    onError: (e) => toast.error(message(e)),
    onSettled: () => setDeleting(null),
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <PageHeader
        title={t("settings.teams.title")}
        description={t("settings.teams.description")}
        actions={manage ? <Button icon={<Plus aria-hidden className="size-4" />} onClick={() => setEditing({ team: null, key: Date.now() })}>{t("settings.teams.create")}</Button> : null}
      />
      {q.isPending ? (
        <LoadingBlock />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<UsersRound aria-hidden />} title={t("settings.teams.empty")}>
          {t("settings.teams.emptyText")}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            {items.map((tm) => (
              <li key={tm.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
                <div className="min-w-0 flex-1">
                  <p className="flex items-center gap-2 truncate text-sm font-medium text-slate-900">
                    {tm.name}
                    {tm.department_id && deptName.get(tm.department_id) ? <Badge>{deptName.get(tm.department_id)}</Badge> : null}
                  </p>
                  {tm.description ? <p className="truncate text-sm text-slate-500">{tm.description}</p> : null}
                </div>
                <Button variant="secondary" size="sm" icon={<UsersRound aria-hidden className="size-4" />} onClick={() => setMembersOf(tm)}>
                  {t("settings.teams.memberCount", { count: tm.member_ids.length })}
                </Button>
                {manage ? (
                  <div className="flex">
                    <IconButton label={t("common.editItem", { name: tm.name })} icon={<Pencil aria-hidden className="size-4" />} onClick={() => setEditing({ team: tm, key: Date.now() })} />
                    <IconButton label={t("common.deleteItem", { name: tm.name })} icon={<Trash2 aria-hidden className="size-4" />} variant="ghost-danger" onClick={() => setDeleting(tm)} />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
          <LoadMore hasMore={q.hasNextPage} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
        </>
      )}
      {editing ? <TeamDialog key={editing.key} editing={editing.team} onClose={() => setEditing(null)} /> : null}
      {membersOf ? <TeamMembersDialog team={membersOf} manage={manage} onClose={() => setMembersOf(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={t("settings.teams.deleteTitle", { name: deleting?.name ?? "" })}
        description={t("settings.teams.deleteText")}
        confirmLabel={t("common.delete")}
        danger
        loading={del.isPending}
        onConfirm={() => deleting && del.mutate(deleting)}
      />
    </div>
  );
}
