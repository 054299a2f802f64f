import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Network, Pencil, Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Schemas } from "../../api/client";
import { Button, IconButton } from "../../components/ui/Button";
import { ConfirmDialog, Dialog } from "../../components/ui/Dialog";
import { Field, Input, Textarea } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { PageHeader } from "../../components/ui/Page";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";

type Department = Schemas["DepartmentView"];

function DepartmentDialog({ open, onOpenChange, editing }: { open: boolean; onOpenChange: (o: boolean) => void; editing: Department | null }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const [name, setName] = useState(editing?.name ?? "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), description: description.trim() || null };
      return editing
        ? unwrap(api.PATCH("/api/v1/departments/{id}", { params: { path: { id: editing.id } }, body }))
        : unwrap(api.POST("/api/v1/departments", { body }));
    },
    onSuccess: () => {
      toast.success(t("common.saved"));
      void qc.invalidateQueries({ queryKey: ["departments"] });
      onOpenChange(false);
    },
  });
  const err = save.error;
  const general = err && !field(err, "name") && !field(err, "description") ? message(err) : null;
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={editing ? t("settings.departments.edit") : t("settings.departments.create")}>
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
        <Field label={t("common.descriptionOptional")} error={field(err, "description")}>
          <Textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
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

export function useDepartments() {
  return useInfiniteQuery({
    queryKey: ["departments"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/departments", { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function DepartmentsPage() {
  const { t } = useTranslation();
  const { message } = useApiError();
  const role = useRole();
  const qc = useQueryClient();
  const manage = can(role, "departments.manage");
  const q = useDepartments();
  const [dialog, setDialog] = useState<{ editing: Department | null; key: number } | null>(null);
  const [deleting, setDeleting] = useState<Department | null>(null);
  const del = useMutation({
    mutationFn: (d: Department) => unwrap(api.DELETE("/api/v1/departments/{id}", { params: { path: { id: d.id } } })),
    onSuccess: () => {
      toast.success(t("common.deleted"));
      void qc.invalidateQueries({ queryKey: ["departments"] });
      void qc.invalidateQueries({ queryKey: ["teams"] });
    },
    onError: (e) => toast.error(message(e)),
    onSettled: () => setDeleting(null),
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <PageHeader
        title={t("settings.departments.title")}
        description={t("settings.departments.description")}
        actions={manage ? <Button icon={<Plus aria-hidden className="size-4" />} onClick={() => setDialog({ editing: null, key: Date.now() })}>{t("settings.departments.create")}</Button> : null}
      />
      {q.isPending ? (
        <LoadingBlock />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Network aria-hidden />} title={t("settings.departments.empty")}>
          {t("settings.departments.emptyText")}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            {items.map((d) => (
              <li key={d.id} className="flex items-center gap-3 px-4 py-3">
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium text-slate-900">{d.name}</p>
                  {d.description ? <p className="truncate text-sm text-slate-500">{d.description}</p> : null}
                </div>
                {manage ? (
                  <>
                    <IconButton label={t("common.editItem", { name: d.name })} icon={<Pencil aria-hidden className="size-4" />} onClick={() => setDialog({ editing: d, key: Date.now() })} />
                    <IconButton label={t("common.deleteItem", { name: d.name })} icon={<Trash2 aria-hidden className="size-4" />} variant="ghost-danger" onClick={() => setDeleting(d)} />
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          <LoadMore hasMore={q.hasNextPage} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
        </>
      )}
      {dialog ? <DepartmentDialog key={dialog.key} open onOpenChange={(o) => !o && setDialog(null)} editing={dialog.editing} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={t("settings.departments.deleteTitle", { name: deleting?.name ?? "" })}
        description={t("settings.departments.deleteText")}
        confirmLabel={t("common.delete")}
        danger
        loading={del.isPending}
        onConfirm={() => deleting && del.mutate(deleting)}
      />
    </div>
  );
}
