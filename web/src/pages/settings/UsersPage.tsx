import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Mail, RefreshCw, UserPlus, Users } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ROLES, api, unwrap } from "../../api/client";
import type { Role, Schemas } from "../../api/client";
import { Button } from "../../components/ui/Button";
import { CopyField } from "../../components/ui/CopyField";
import { ConfirmDialog, Dialog } from "../../components/ui/Dialog";
import { Field, Input, Select } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { Badge, PageHeader } from "../../components/ui/Page";
import { Segmented } from "../../components/ui/Segmented";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import type { Member } from "../../lib/members";
import { useMe, useRole } from "../../lib/me";
import { assignableRoles, can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";
import { useTenantId } from "../../lib/useTenantId";

type Filter = "active" | "inactive" | "all";
type Invitation = Schemas["InvitationView"];

/**
 * What an invitation produced when no e-mail went out (no SMTP on this server): says so, and
 * hands the admin the single-use link to pass on. The API only returns the link then.
 */
function InviteLinkDialog({ invitation, onClose }: { invitation: Invitation | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={invitation !== null} onOpenChange={(o) => { if (!o) onClose(); }} title={t("people.invite.notMailedTitle")}>
      {invitation ? (
        <div className="space-y-4">
          <Alert kind="warning">{t("people.invite.notMailed", { email: invitation.member.email })}</Alert>
          {invitation.accept_url ? <CopyField value={invitation.accept_url} label={t("people.invite.link")} /> : null}
          <div className="flex justify-end">
            <Button onClick={onClose}>{t("people.invite.done")}</Button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}

function InviteDialog({ open, onOpenChange, onNotMailed }: { open: boolean; onOpenChange: (o: boolean) => void; onNotMailed: (i: Invitation) => void }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const tenant = useTenantId();
  const role = useRole();
  const qc = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [newRole, setNewRole] = useState<Role>("agent");
  const invite = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/tenants/{tenant}/members", {
          params: { path: { tenant } },
          body: { email: email.trim(), name: name.trim() || null, role: newRole },
        }),
      ),
    onSuccess: (r) => {
      // "Convite enviado" only when a mail really left; otherwise the link to pass on.
      if (r.mail_sent) toast.success(t("settings.users.invited", { email: email.trim() }));
      else onNotMailed(r);
      void qc.invalidateQueries({ queryKey: ["members", tenant] });
      setEmail("");
      setName("");
      setNewRole("agent");
      onOpenChange(false);
    },
  });
  const err = invite.error;
  const general = err && !field(err, "email") && !field(err, "name") && !field(err, "role") ? message(err) : null;
  return (
    <Dialog open={open} onOpenChange={(o) => { if (!o) invite.reset(); onOpenChange(o); }} title={t("settings.users.inviteTitle")} description={t("settings.users.inviteDescription")}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate();
        }}
        className="space-y-1"
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <Field label={t("common.email")} error={field(err, "email")}>
          <Input type="email" name="invite-email" autoComplete="off" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label={t("common.nameOptional")} error={field(err, "name")}>
          <Input name="invite-name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t("common.role")} error={field(err, "role")} hint={t(`roleHints.${newRole}`)}>
          <Select name="invite-role" value={newRole} onChange={(e) => setNewRole(e.target.value as Role)}>
            {assignableRoles(role).map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </Select>
        </Field>
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={invite.isPending} icon={<Mail aria-hidden className="size-4" />}>
            {t("settings.users.sendInvite")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function MemberRow({ m, canManage, canInvite, onNotMailed }: { m: Member; canManage: boolean; canInvite: boolean; onNotMailed: (i: Invitation) => void }) {
  const { t } = useTranslation();
  const { message } = useApiError();
  const tenant = useTenantId();
  const { data: me } = useMe();
  const myRole = useRole();
  const qc = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const self = me?.user.id === m.user_id;
  const update = useMutation({
    mutationFn: (body: { role?: Role; active?: boolean }) =>
      unwrap(api.PATCH("/api/v1/tenants/{tenant}/members/{member_id}", { params: { path: { tenant, member_id: m.id } }, body })),
    onSuccess: (_d, body) => {
      setConfirm(false);
      toast.success(
        body.active === false ? t("settings.users.deactivated", { name: m.name }) : body.active === true ? t("settings.users.reactivated", { name: m.name }) : t("settings.users.roleChanged", { name: m.name }),
      );
      void qc.invalidateQueries({ queryKey: ["members", tenant] });
    },
    onError: (e) => {
      setConfirm(false);
      toast.error(message(e));
    },
  });
  const resend = useMutation({
    mutationFn: () =>
      unwrap(api.POST("/api/v1/tenants/{tenant}/members/{member_id}/resend-invitation", { params: { path: { tenant, member_id: m.id } } })),
    onSuccess: (r) => {
      if (r.mail_sent) toast.success(t("people.invite.resent", { email: m.email }));
      else onNotMailed(r);
    },
    onError: (e) => toast.error(message(e)),
  });
  const pending = m.active && !m.has_password;
  const roles = ROLES.filter((r) => assignableRoles(myRole).includes(r) || r === m.role);
  return (
    <li className="grid grid-cols-[1fr_auto] items-center gap-x-4 gap-y-2 px-4 py-3 md:grid-cols-[minmax(0,2fr)_10rem_8rem_17rem]">
      <div className="min-w-0">
        <p className="truncate text-sm font-medium text-slate-900">
          {m.name}
          {self ? <span className="ml-1 text-slate-500">({t("common.you")})</span> : null}
        </p>
        <p className="truncate text-sm text-slate-500">{m.email}</p>
      </div>
      <div className="col-start-1 md:col-start-auto">
        {canManage && !self && m.active ? (
          <Select
            aria-label={t("settings.users.roleOf", { name: m.name })}
            value={m.role}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ role: e.target.value as Role })}
            className="h-9"
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </Select>
        ) : (
          <span className="text-sm text-slate-700">{t(`roles.${m.role}`)}</span>
        )}
      </div>
      <div className="col-start-2 row-start-1 justify-self-end md:col-start-auto md:row-start-auto md:justify-self-start">
        {!m.active ? <Badge tone="red">{t("settings.users.statusInactive")}</Badge> : !m.has_password ? <Badge tone="amber">{t("settings.users.statusInvited")}</Badge> : <Badge tone="green">{t("settings.users.statusActive")}</Badge>}
      </div>
      <div className="col-start-2 flex flex-wrap justify-end gap-1 justify-self-end md:col-start-auto">
        {canInvite && pending ? (
          <Button variant="ghost" size="sm" loading={resend.isPending} icon={<RefreshCw aria-hidden className="size-4" />} onClick={() => resend.mutate()}>
            {t("people.invite.resend")}
          </Button>
        ) : null}
        {canManage && !self ? (
          m.active ? (
            <Button variant="ghost-danger" size="sm" onClick={() => setConfirm(true)}>
              {t("settings.users.deactivate")}
            </Button>
          ) : (
            <Button variant="ghost" size="sm" loading={update.isPending} onClick={() => update.mutate({ active: true })}>
              {t("settings.users.reactivate")}
            </Button>
          )
        ) : null}
      </div>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title={t("settings.users.deactivateTitle", { name: m.name })}
        description={t("settings.users.deactivateText")}
        confirmLabel={t("settings.users.deactivate")}
        danger
        loading={update.isPending}
        onConfirm={() => update.mutate({ active: false })}
      />
    </li>
  );
}

export function UsersPage() {
  const { t } = useTranslation();
  const tenant = useTenantId();
  const role = useRole();
  const [filter, setFilter] = useState<Filter>("active");
  const [inviting, setInviting] = useState(false);
  const [notMailed, setNotMailed] = useState<Invitation | null>(null);
  const q = useInfiniteQuery({
    queryKey: ["members", tenant, "list", filter],
    enabled: tenant !== "",
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/v1/tenants/{tenant}/members", {
          params: { path: { tenant }, query: { limit: 50, cursor: pageParam, active: filter === "all" ? undefined : filter === "active" } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const canInvite = can(role, "members.invite");
  return (
    <div>
      <PageHeader
        title={t("settings.users.title")}
        description={t("settings.users.description")}
        actions={canInvite ? <Button icon={<UserPlus aria-hidden className="size-4" />} onClick={() => setInviting(true)}>{t("settings.users.invite")}</Button> : null}
      />
      <div className="mb-4">
        <Segmented
          label={t("common.filter")}
          value={filter}
          onChange={setFilter}
          options={[
            { value: "active", label: t("settings.users.filterActive") },
            { value: "inactive", label: t("settings.users.filterInactive") },
            { value: "all", label: t("common.all") },
          ]}
        />
      </div>
      {q.isPending ? (
        <LoadingBlock rows={4} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Users aria-hidden />} title={t("settings.users.empty")} />
      ) : (
        <>
          <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            <div className="hidden grid-cols-[minmax(0,2fr)_10rem_8rem_17rem] gap-x-4 border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs font-medium tracking-wide text-slate-500 uppercase md:grid" aria-hidden>
              <span>{t("common.name")}</span>
              <span>{t("common.role")}</span>
              <span>{t("common.status")}</span>
              <span />
            </div>
            <ul className="divide-y divide-slate-100" aria-label={t("settings.users.title")}>
              {items.map((m) => (
                <MemberRow key={m.id} m={m} canManage={can(role, "members.manage")} canInvite={canInvite} onNotMailed={setNotMailed} />
              ))}
            </ul>
          </div>
          <LoadMore hasMore={q.hasNextPage} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
        </>
      )}
      <InviteDialog open={inviting} onOpenChange={setInviting} onNotMailed={setNotMailed} />
      <InviteLinkDialog invitation={notMailed} onClose={() => setNotMailed(null)} />
    </div>
  );
}
