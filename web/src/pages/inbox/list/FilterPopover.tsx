import * as Popover from "@radix-ui/react-popover";
import { ListFilter } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Button } from "../../../components/ui/Button";
import { Field, Select } from "../../../components/ui/Field";
import { cn } from "../../../lib/cn";
import { useAllTags } from "../../settings/TagsPage";
import { useMemo } from "react";

import { useAllMembers } from "../../../lib/members";
import { STATUS_CHOICES, activeFilterCount, assigneeApplies, statusApplies, useInboxFilters } from "./filters";
import { itemsOf, useChannels, useTeams, workable } from "../../../inbox/lookups";
import { NamedSelect } from "./NamedSelect";

/** The list's filter button: status (not on *Resolved*), agent (on *All* and *Resolved*), channel, team, tag, only unread; a badge counts the active ones. */
export function FilterPopover() {
  const { t } = useTranslation();
  const f = useInboxFilters();
  const channels = useChannels();
  const teams = useTeams();
  const tags = itemsOf(useAllTags().data);
  const members = useAllMembers().data;
  const agents = useMemo(() => workable(members ?? []).map((m) => ({ id: m.user_id, name: m.name })), [members]);
  const count = activeFilterCount(f);
  const label = count > 0 ? t("conv.filters.buttonActive", { count }) : t("conv.filters.button");
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <button
          type="button"
          aria-label={label}
          title={label}
          className={cn("relative inline-flex size-9 shrink-0 items-center justify-center rounded-lg hover:bg-slate-100", count > 0 ? "text-brand-700" : "text-slate-600")}
        >
          <ListFilter aria-hidden className="size-5" />
          {count > 0 ? (
            <span aria-hidden className="absolute -top-0.5 -right-0.5 flex size-4 items-center justify-center rounded-full bg-brand-600 text-[10px] font-semibold text-white">
              {count}
            </span>
          ) : null}
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={6} collisionPadding={8} className="z-50 w-72 max-w-[calc(100vw-1rem)] rounded-xl border border-slate-200 bg-white p-4 shadow-lg">
          <p className="mb-3 text-sm font-semibold text-slate-900">{t("conv.filters.title")}</p>
          {statusApplies(f.tab) ? (
            <Field label={t("common.status")}>
              <Select data-testid="filter-status" value={f.status} onChange={(e) => f.setPanel({ status: e.target.value })} className="h-9">
                {STATUS_CHOICES.map((s) => (
                  <option key={s} value={s}>
                    {t(`conv.filters.status.${s || "active"}`)}
                  </option>
                ))}
              </Select>
            </Field>
          ) : null}
          {assigneeApplies(f.tab) && agents.length > 0 ? (
            <NamedSelect testId="filter-assignee" label={t("inboxlist.filters.assignee")} none={t("inboxlist.filters.anyone")} value={f.assigneeId} onChange={(id) => f.setPanel({ assigneeId: id || undefined })} items={agents} />
          ) : null}
          {channels.length > 1 ? <NamedSelect label={t("conv.filters.channel")} none={t("conv.filters.any")} value={f.channelId} onChange={(id) => f.setPanel({ channelId: id || undefined })} items={channels} /> : null}
          {teams.length > 0 ? <NamedSelect label={t("conv.filters.team")} none={t("conv.filters.any")} value={f.teamId} onChange={(id) => f.setPanel({ teamId: id || undefined })} items={teams} /> : null}
          {tags.length > 0 ? <NamedSelect testId="filter-tag" label={t("conv.filters.tag")} none={t("conv.filters.any")} value={f.tagId} onChange={(id) => f.setPanel({ tagId: id || undefined })} items={tags} /> : null}
          <label className="mb-3 flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" className="size-4 accent-brand-700" checked={!!f.unread} onChange={(e) => f.setPanel({ unread: e.target.checked || undefined })} />
            {t("conv.filters.unreadOnly")}
          </label>
          <div className="flex justify-between gap-2">
            <Button variant="ghost" size="sm" disabled={count === 0} onClick={f.clearPanel}>
              {t("common.clearFilters")}
            </Button>
            <Popover.Close asChild>
              <Button size="sm">{t("common.done")}</Button>
            </Popover.Close>
          </div>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
