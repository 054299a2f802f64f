import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Role, Schemas } from "../../api/client";
import { Button } from "../../components/ui/Button";
import { CopyField } from "../../components/ui/CopyField";
import { ConfirmDialog, Dialog } from "../../components/ui/Dialog";
import { Field, Input, Select } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { Badge, PageHeader } from "../../components/ui/Page";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { formatDateTime } from "../../lib/format";
import { useRole } from "../../lib/me";
import { assignableRoles } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";

type ApiKey = Schemas["ApiKeyView"];

function CreateKeyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const myRole = useRole();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/api-keys", { body: { name: name.trim(), role } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["api-keys"] }),
  });
  const err = create.error;
  const general = err && !field(err, "name") && !field(err, "role") ? message(err) : null;
  if (create.data) {
    return (
      <Dialog open onOpenChange={(o) => !o && onClose()} title={t("settings.apiKeys.createdTitle")} description={t("settings.apiKeys.createdText")}>
        <CopyField value={create.data.secret} label={t("settings.apiKeys.secret")} />
        <div className="flex justify-end pt-5">
          <Button onClick={onClose}>{t("common.done")}</Button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={t("settings.apiKeys.create")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <Field label={t("common.name")} error={field(err, "name")} hint={t("settings.apiKeys.nameHint")}>
          <Input required autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t("common.role")} error={field(err, "role")} hint={t(`roleHints.${role}`)}>
          <Select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {assignableRoles(myRole).map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </Select>
        </Field>
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t("settings.apiKeys.create")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function ApiKeysPage() {
  const { t } = useTranslation();
  const { message } = useApiError();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const q = useInfiniteQuery({
    queryKey: ["api-keys"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/api-keys", { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const revoke = useMutation({
    mutationFn: (k: ApiKey) => unwrap(api.DELETE("/api/v1/api-keys/{id}", { params: { path: { id: k.id } } })),
    onSuccess: () => {
      toast.success(t("settings.apiKeys.revoked"));
      void qc.invalidateQueries({ queryKey: ["api-keys"] });
    },
    onError: (e) => toast.error(message(e)),
    onSettled: () => setRevoking(null),
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <PageHeader
        title={t("settings.apiKeys.title")}
        description={t("settings.apiKeys.description")}
        actions={<Button icon={<Plus aria-hidden className="size-4" />} onClick={() => setCreating(true)}>{t("settings.apiKeys.create")}</Button>}
      />
      {q.isPending ? (
        <LoadingBlock />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<KeyRound aria-hidden />} title={t("settings.apiKeys.empty")}>
          {t("settings.apiKeys.emptyText")}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            {items.map((k) => (
              <li key={k.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                    {k.name}
                    <Badge>{t(`roles.${k.role}`)}</Badge>
                    {k.revoked_at ? <Badge tone="red">{t("settings.apiKeys.statusRevoked")}</Badge> : null}
                  </p>
                  <p className="text-xs text-slate-500">
                    <span className="font-mono">{k.prefix}…</span> · {t("settings.apiKeys.lastUsed")}: {k.last_used_at ? formatDateTime(k.last_used_at) : t("settings.apiKeys.never")}
                  </p>
                </div>
                {!k.revoked_at ? (
                  <Button variant="ghost-danger" size="sm" onClick={() => setRevoking(k)}>
                    {t("settings.apiKeys.revoke")}
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
          <LoadMore hasMore={q.hasNextPage} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
        </>
      )}
      {creating ? <CreateKeyDialog onClose={() => setCreating(false)} /> : null}
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(o) => !o && setRevoking(null)}
        title={t("settings.apiKeys.revokeTitle", { name: revoking?.name ?? "" })}
        description={t("settings.apiKeys.revokeText")}
        confirmLabel={t("settings.apiKeys.revoke")}
        danger
        loading={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking)}
      />
    </div>
  );
}
