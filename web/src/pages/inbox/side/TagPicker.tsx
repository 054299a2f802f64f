import * as Popover from "@radix-ui/react-popover";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Check, Plus } from "lucide-react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../../api/client";
import { Input } from "../../../components/ui/Field";
import { toast } from "../../../components/ui/Toaster";
import { cn } from "../../../lib/cn";
import { useRole } from "../../../lib/me";
import { can } from "../../../lib/permissions";
import { useApiError } from "../../../lib/useApiError";
import { tagToCreate } from "./tagOffer";
import { DEFAULT_TAG_COLOR, TagPill, useAllTags } from "../../settings/TagsPage";
import type { TagView } from "../../settings/TagsPage";
import { itemsOf } from "../../../inbox/lookups";

type TagLike = Pick<TagView, "id" | "name" | "color">;

/**
 * The tags on something, and (for who may change them) a searchable checklist to toggle them.
 * The API replaces the whole set, so while saves are in flight the picker works on its own
 * (optimistic) selection: toggling A then B quickly sends [A] then [A, B], not [B].
 * Typing a name no tag has offers to create it and put it on (only to roles that may manage
 * tags, as in Settings → Tags; the API enforces the same).
 */
export function TagPicker({ label, tags, onChange, disabled }: { label: string; tags: readonly TagLike[]; onChange: (ids: string[]) => Promise<unknown> | void; disabled?: boolean }) {
  const { t } = useTranslation();
  const all = itemsOf(useAllTags().data);
  const qc = useQueryClient();
  const { message } = useApiError();
  const mayCreate = can(useRole(), "tags.manage");
  /** Tags created here, shown before the tag list refetches. */
  const [created, setCreated] = useState<TagLike[]>([]);
  const [find, setFind] = useState("");
  /** The selection sent last while saves are pending (null: the server's `tags`). */
  const [local, setLocal] = useState<string[] | null>(null);
  const inflight = useRef(0);
  const ids = local ?? tags.map((x) => x.id);
  const on = new Set(ids);
  const known = [...all, ...created.filter((c) => !all.some((x) => x.id === c.id))];
  const shownTags = local ? local.map((id) => tags.find((x) => x.id === id) ?? known.find((x) => x.id === id)).filter((x): x is TagLike => !!x) : tags;
  const shown = known.filter((x) => x.name.toLowerCase().includes(find.trim().toLowerCase()));
  const offer = mayCreate ? tagToCreate(find, known) : null;
  const create = useMutation({
    mutationFn: (name: string) => unwrap(api.POST("/api/v1/tags", { body: { name } })),
    onSuccess: (tag) => {
      setCreated((c) => [...c, tag]);
      setFind("");
      void qc.invalidateQueries({ queryKey: ["tags"] });
      toast.success(t("inboxlist.tags.created", { name: tag.name }));
      toggle(tag.id, true);
    },
    onError: (e) => toast.error(message(e)),
  });
  const toggle = (id: string, add?: boolean) => {
    if (add && on.has(id)) return;
    const next = on.has(id) ? ids.filter((x) => x !== id) : [...ids, id];
    setLocal(next);
    inflight.current++;
    void Promise.resolve(onChange(next)).finally(() => {
      inflight.current--;
      if (inflight.current === 0) setLocal(null);
    });
  };
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      {shownTags.length === 0 ? <span className="text-sm text-slate-500">{t("conv.tags.none")}</span> : shownTags.map((tag) => <TagPill key={tag.id} tag={tag} />)}
      {disabled ? null : (
        <Popover.Root onOpenChange={() => setFind("")}>
          <Popover.Trigger
            aria-label={t("conv.tags.edit", { what: label })}
            title={t("conv.tags.edit", { what: label })}
            className="inline-flex size-6 items-center justify-center rounded-full border border-dashed border-slate-300 text-slate-500 hover:border-slate-400 hover:text-slate-800"
          >
            <Plus aria-hidden className="size-3.5" />
          </Popover.Trigger>
          <Popover.Portal>
            <Popover.Content align="start" sideOffset={6} collisionPadding={8} className="z-50 w-64 rounded-xl border border-slate-200 bg-white p-2 shadow-lg">
              <Input
                autoFocus
                data-testid="tag-find"
                aria-label={t("conv.tags.find")}
                placeholder={mayCreate ? t("inboxlist.tags.findOrCreate") : t("conv.tags.find")}
                value={find}
                onChange={(e) => setFind(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key !== "Enter" || !offer || create.isPending) return;
                  e.preventDefault();
                  create.mutate(offer);
                }}
                className="mb-1 h-8 px-2"
              />
              <ul className="max-h-60 overflow-y-auto" aria-label={label}>
                {shown.length === 0 && !offer ? <li className="px-2 py-1.5 text-sm text-slate-500">{t("common.noResults")}</li> : null}
                {offer ? (
                  <li>
                    <button
                      type="button"
                      data-testid="tag-create"
                      disabled={create.isPending}
                      onClick={() => create.mutate(offer)}
                      className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm font-medium text-brand-800 hover:bg-brand-50 disabled:opacity-60"
                    >
                      <Plus aria-hidden className="size-3.5 shrink-0" />
                      <span className="flex-1 truncate">{t("inboxlist.tags.create", { name: offer })}</span>
                    </button>
                  </li>
                ) : null}
                {shown.map((tag) => (
                  <li key={tag.id}>
                    <button
                      type="button"
                      aria-pressed={on.has(tag.id)}
                      onClick={() => toggle(tag.id)}
                      className={cn("flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-50", on.has(tag.id) && "bg-brand-50")}
                    >
                      <span aria-hidden className="size-2.5 shrink-0 rounded-full" style={{ backgroundColor: tag.color ?? DEFAULT_TAG_COLOR }} />
                      <span className="flex-1 truncate">{tag.name}</span>
                      {on.has(tag.id) ? <Check aria-hidden className="size-4 text-brand-700" /> : null}
                    </button>
                  </li>
                ))}
              </ul>
            </Popover.Content>
          </Popover.Portal>
        </Popover.Root>
      )}
    </div>
  );
}
