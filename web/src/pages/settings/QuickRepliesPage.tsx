import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { MessageSquareText, Pencil, Plus, Search, Trash2 } from "lucide-react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Schemas } from "../../api/client";
import { Button, IconButton } from "../../components/ui/Button";
import { ConfirmDialog, Dialog } from "../../components/ui/Dialog";
import { Field, Input, Textarea } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { Badge, PageHeader } from "../../components/ui/Page";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";
import { useDebounced } from "../../lib/useDebounced";
import { QuickReplyVariables } from "./QuickReplyVariables";

type QuickReply = Schemas["QuickReplyView"];

/** `Saudação` → `/saudação`: the shortcut as the API stores it (lowercase, with the `/`). */
export function normalizeShortcut(raw: string): string {
  const s = raw.trim().toLowerCase().replace(/^\/+/, "").replace(/\s+/g, "-");
  return s ? `/${s}` : "";
}

function QuickReplyDialog({ editing, onClose }: { editing: QuickReply | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const [shortcut, setShortcut] = useState(editing?.shortcut ?? "");
  const [title, setTitle] = useState(editing?.title ?? "");
  const [content, setContent] = useState(editing?.content ?? "");
  const [category, setCategory] = useState(editing?.category ?? "");
  const contentRef = useRef<HTMLTextAreaElement>(null);
  /** Puts a variable at the cursor of the text (at its end when it was never focused). */
  const insertVariable = (v: string) => {
    const el = contentRef.current;
    const start = el?.selectionStart ?? content.length;
    const end = el?.selectionEnd ?? content.length;
    setContent(content.slice(0, start) + v + content.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + v.length, start + v.length);
    });
  };
  const save = useMutation({
    mutationFn: () => {
      const body = { shortcut: normalizeShortcut(shortcut), title: title.trim(), content, category: category.trim() || null };
      return editing
        ? unwrap(api.PATCH("/api/v1/quick-replies/{id}", { params: { path: { id: editing.id } }, body }))
        : unwrap(api.POST("/api/v1/quick-replies", { body }));
    },
    onSuccess: () => {
      toast.success(t("common.saved"));
      void qc.invalidateQueries({ queryKey: ["quick-replies"] });
      onClose();
    },
  });
  const err = save.error;
  const general = err && ["shortcut", "title", "content", "category"].every((f) => !field(err, f)) ? message(err) : null;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={editing ? t("settings.quickReplies.edit") : t("settings.quickReplies.create")} description={t("settings.quickReplies.dialogHint")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <div className="grid gap-x-4 sm:grid-cols-2">
          <Field label={t("settings.quickReplies.shortcut")} error={field(err, "shortcut")} hint={shortcut ? normalizeShortcut(shortcut) : t("settings.quickReplies.shortcutHint")}>
            <Input required autoFocus value={shortcut} onChange={(e) => setShortcut(e.target.value)} placeholder="/saudacao" className="font-mono" />
          </Field>
          <Field label={t("settings.quickReplies.category")} error={field(err, "category")}>
            <Input value={category} onChange={(e) => setCategory(e.target.value)} />
          </Field>
        </div>
        <Field label={t("settings.quickReplies.titleLabel")} error={field(err, "title")}>
          <Input required value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label={t("settings.quickReplies.content")} error={field(err, "content")} hint={t("settings.quickReplies.contentHint", { count: 4096 - content.length })}>
          <Textarea ref={contentRef} data-testid="qr-content" required rows={5} maxLength={4096} value={content} onChange={(e) => setContent(e.target.value)} />
        </Field>
        <QuickReplyVariables content={content} onInsert={insertVariable} />
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

export function QuickRepliesPage() {
  const { t } = useTranslation();
  const { message } = useApiError();
  const role = useRole();
  const qc = useQueryClient();
  const manage = can(role, "quick_replies.manage");
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim());
  const list = useInfiniteQuery({
    queryKey: ["quick-replies", q],
    initialPageParam: undefined as string | undefined,
    placeholderData: keepPreviousData,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/quick-replies", { params: { query: { limit: 50, cursor: pageParam, q: q || undefined } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [editing, setEditing] = useState<{ item: QuickReply | null; key: number } | null>(null);
  const [deleting, setDeleting] = useState<QuickReply | null>(null);
  const del = useMutation({
    mutationFn: (r: QuickReply) => unwrap(api.DELETE("/api/v1/quick-replies/{id}", { params: { path: { id: r.id } } })),
    onSuccess: () => {
      toast.success(t("common.deleted"));
      void qc.invalidateQueries({ queryKey: ["quick-replies"] });
    },
    onError: (e) => toast.error(message(e)),
    onSettled: () => setDeleting(null),
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <PageHeader
        title={t("settings.quickReplies.title")}
        description={t("settings.quickReplies.description")}
        actions={manage ? <Button icon={<Plus aria-hidden className="size-4" />} onClick={() => setEditing({ item: null, key: Date.now() })}>{t("settings.quickReplies.create")}</Button> : null}
      />
      <div className="relative mb-4 max-w-sm">
        <Search aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
        <Input type="search" aria-label={t("common.search")} placeholder={t("settings.quickReplies.searchPlaceholder")} value={search} onChange={(e) => setSearch(e.target.value)} className="pl-9" />
      </div>
      {list.isPending ? (
        <LoadingBlock />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<MessageSquareText aria-hidden />} title={q ? t("common.noResults") : t("settings.quickReplies.empty")}>
          {q ? null : t("settings.quickReplies.emptyText")}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            {items.map((r) => (
              <li key={r.id} className="flex items-start gap-3 px-4 py-3">
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-center gap-2 text-sm">
                    <span className="font-mono font-medium text-brand-800">{r.shortcut}</span>
                    <span className="font-medium text-slate-900">{r.title}</span>
                    {r.category ? <Badge>{r.category}</Badge> : null}
                  </p>
                  <p className="mt-0.5 line-clamp-2 text-sm whitespace-pre-line text-slate-600">{r.content}</p>
                </div>
                {manage ? (
                  <div className="flex shrink-0">
                    <IconButton label={t("common.editItem", { name: r.shortcut })} icon={<Pencil aria-hidden className="size-4" />} onClick={() => setEditing({ item: r, key: Date.now() })} />
                    <IconButton label={t("common.deleteItem", { name: r.shortcut })} icon={<Trash2 aria-hidden className="size-4" />} variant="ghost-danger" onClick={() => setDeleting(r)} />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
          <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} />
        </>
      )}
      {editing ? <QuickReplyDialog key={editing.key} editing={editing.item} onClose={() => setEditing(null)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={t("settings.quickReplies.deleteTitle", { name: deleting?.shortcut ?? "" })}
        description={t("settings.quickReplies.deleteText")}
        confirmLabel={t("common.delete")}
        danger
        loading={del.isPending}
        onConfirm={() => deleting && del.mutate(deleting)}
      />
    </div>
  );
}
