import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Tag as TagIcon, Trash2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Schemas } from "../../api/client";
import { Button, IconButton } from "../../components/ui/Button";
import { ConfirmDialog, Dialog } from "../../components/ui/Dialog";
import { Field, Input } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { PageHeader } from "../../components/ui/Page";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";

export type TagView = Schemas["TagView"];

export const DEFAULT_TAG_COLOR = "#64748b";

/** A tag as a coloured pill. */
export function TagPill({ tag }: { tag: Pick<TagView, "name" | "color"> }) {
  const color = tag.color ?? DEFAULT_TAG_COLOR;
  return (
    <span className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 bg-white px-2 py-0.5 text-xs font-medium text-slate-700">
      <span aria-hidden className="size-2 rounded-full" style={{ backgroundColor: color }} />
      {tag.name}
    </span>
  );
}

/** Every tag of the tenant (all pages), for pickers. */
export function useAllTags() {
  return useInfiniteQuery({
    queryKey: ["tags"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/tags", { params: { query: { limit: 200, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

function TagDialog({ editing, onClose }: { editing: TagView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const [name, setName] = useState(editing?.name ?? "");
  const [color, setColor] = useState(editing?.color ?? DEFAULT_TAG_COLOR);
  const save = useMutation({
    mutationFn: () =>
      editing
        ? unwrap(api.PATCH("/api/v1/tags/{id}", { params: { path: { id: editing.id } }, body: { name: name.trim(), color } }))
        : unwrap(api.POST("/api/v1/tags", { body: { name: name.trim(), color } })),
    onSuccess: () => {
      toast.success(t("common.saved"));
      void qc.invalidateQueries({ queryKey: ["tags"] });
      onClose();
    },
  });
  const err = save.error;
  const general = err && !field(err, "name") && !field(err, "color") ? message(err) : null;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={editing ? t("settings.tags.edit") : t("settings.tags.create")}>
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
        <Field label={t("settings.tags.color")} error={field(err, "color")}>
          <Input type="color" value={color} onChange={(e) => setColor(e.target.value)} className="w-20 p-1" />
        </Field>
        <p className="pb-2 text-sm text-slate-600">
          {t("settings.tags.preview")}: <TagPill tag={{ name: name.trim() || t("settings.tags.sample"), color }} />
        </p>
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

export function TagsPage() {
  const { t } = useTranslation();
  const { message } = useApiError();
  const role = useRole();
  const qc = useQueryClient();
  const manage = can(role, "tags.manage");
  const q = useAllTags();
  const [editing, setEditing] = useState<{ tag: TagView | null; key: number } | null>(null);
  const [deleting, setDeleting] = useState<TagView | null>(null);
  const del = useMutation({
    mutationFn: (tag: TagView) => unwrap(api.DELETE("/api/v1/tags/{id}", { params: { path: { id: tag.id } } })),
    onSuccess: () => {
      toast.success(t("common.deleted"));
      void qc.invalidateQueries({ queryKey: ["tags"] });
    },
    onError: (e) => toast.error(message(e)),
    onSettled: () => setDeleting(null),
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <PageHeader
        title={t("settings.tags.title")}
        description={t("settings.tags.description")}
        actions={manage ? <Button icon={<Plus aria-hidden className="size-4" />} onClick={() => setEditing({ tag: null, key: Date.now() })}>{t("settings.tags.create")}</Button> : null}
      />
      {q.isPending ? (
        <LoadingBlock />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<TagIcon aria-hidden />} title={t("settings.tags.empty")}>
          {t("settings.tags.emptyText")}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            {items.map((tag) => (
              <li key={tag.id} className="flex items-center gap-3 px-4 py-2.5">
                <div className="flex-1">
                  <TagPill tag={tag} />
                </div>
                {manage ? (
                  <>
                    <IconButton label={t("common.editItem", { name: tag.name })} icon={<Pencil aria-hidden className="size-4" />} onClick={() => setEditing({ tag, key: Date.now() })} />
                    <IconButton label={t("common.deleteItem", { name: tag.name })} icon={<Trash2 aria-hidden className="size-4" />} variant="ghost-danger" onClick={() => setDeleting(tag)} />
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          <LoadMore hasMore={q.hasNextPage} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
        </>
      )}
      {editing ? <TagDialog key={editing.key} editing={editing.tag} onClose={() => setEditing(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={t("settings.tags.deleteTitle", { name: deleting?.name ?? "" })}
        description={t("settings.tags.deleteText")}
        confirmLabel={t("common.delete")}
        danger
        loading={del.isPending}
        onConfirm={() => deleting && del.mutate(deleting)}
      />
    </div>
  );
}
