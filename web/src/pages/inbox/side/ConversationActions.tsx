import * as Dropdown from "@radix-ui/react-dropdown-menu";
import { AlarmClock, CalendarClock, CircleCheck, RotateCcw, Sun } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { Schemas } from "../../../api/client";
import { Button } from "../../../components/ui/Button";
import { Dialog } from "../../../components/ui/Dialog";
import { Field, Input, Select } from "../../../components/ui/Field";
import { useResolvedToast } from "../../../inbox/lifecycle";
import { useUpdateConversation } from "../../../inbox/queries";
import type { Conversation } from "../../../inbox/queries";
import { formatDateTime } from "../../../lib/format";
import { StatusBadge } from "../list/bits";
import { menuItem, menuPanel } from "../list/ListMenu";
import { usePanelRights, useRunner } from "./hooks";
import { PanelSection } from "./InlineEdit";
import { SNOOZE_PRESETS, fromLocalInput, toLocalInput } from "./snooze";
import { TagPicker } from "./TagPicker";

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const ACTIVE = ["open", "pending", "waiting"];

function CustomSnooze({ open, onOpenChange, onPick }: { open: boolean; onOpenChange: (o: boolean) => void; onPick: (iso: string) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(() => toLocalInput(new Date(Date.now() + 3 * 3_600_000)));
  const iso = fromLocalInput(value, new Date());
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t("conv.snooze.customTitle")} description={t("conv.snooze.customText")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (iso) onPick(iso);
        }}
      >
        <Field label={t("conv.snooze.until")} error={value && !iso ? t("conv.errors.snooze") : undefined}>
          <Input type="datetime-local" min={toLocalInput(new Date())} value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" disabled={!iso}>
            {t("conv.snooze.action")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function SnoozeMenu({ conversation: c, onSnooze }: { conversation: Conversation; onSnooze: (iso: string | null) => void }) {
  const { t } = useTranslation();
  const [custom, setCustom] = useState(false);
  return (
    <>
      <Dropdown.Root>
        <Dropdown.Trigger asChild>
          <Button variant="secondary" size="sm" data-testid="snooze" icon={<AlarmClock aria-hidden className="size-4" />}>
            {t("conv.snooze.action")}
          </Button>
        </Dropdown.Trigger>
        <Dropdown.Portal>
          <Dropdown.Content align="start" sideOffset={6} collisionPadding={8} className={menuPanel}>
            {SNOOZE_PRESETS.map(([key, when]) => {
              const at = when(new Date());
              return (
                <Dropdown.Item key={key} data-testid={`snooze-${key}`} className={menuItem} onSelect={() => onSnooze(at.toISOString())}>
                  <Sun aria-hidden className="size-4 text-slate-400" />
                  <span className="flex-1">{t(`conv.snooze.${key}`)}</span>
                  <span className="text-xs text-slate-500">{formatDateTime(at.toISOString())}</span>
                </Dropdown.Item>
              );
            })}
            <Dropdown.Item className={menuItem} data-testid="snooze-custom" onSelect={() => setCustom(true)}>
              <CalendarClock aria-hidden className="size-4 text-slate-400" />
              {t("conv.snooze.custom")}
            </Dropdown.Item>
            {c.snoozed_until ? (
              <Dropdown.Item className={menuItem} onSelect={() => onSnooze(null)}>
                <RotateCcw aria-hidden className="size-4 text-slate-400" />
                {t("conv.snooze.wake")}
              </Dropdown.Item>
            ) : null}
          </Dropdown.Content>
        </Dropdown.Portal>
      </Dropdown.Root>
      {custom ? (
        <CustomSnooze
          open
          onOpenChange={setCustom}
          onPick={(iso) => {
            setCustom(false);
            onSnooze(iso);
          }}
        />
      ) : null}
    </>
  );
}

/** Status (resolve, reopen, snooze), priority and the conversation's tags. */
export function ConversationActions({ conversation: c }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const { work } = usePanelRights();
  const update = useUpdateConversation(c.id);
  const run = useRunner();
  const resolvedToast = useResolvedToast();
  const active = ACTIVE.includes(c.status);
  return (
    <PanelSection title={t("conv.side.conversation")}>
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        <StatusBadge status={c.status} />
        {c.snoozed_until ? (
          <span className="inline-flex items-center gap-1 text-xs text-slate-600">
            <AlarmClock aria-hidden className="size-3.5" />
            {t("conv.snooze.snoozedUntil", { when: formatDateTime(c.snoozed_until) })}
          </span>
        ) : null}
      </div>
      {work ? (
        <div className="mb-3 flex flex-wrap gap-2">
          {active ? (
            <Button size="sm" data-testid="resolve" loading={update.isPending && update.variables?.status === "resolved"} icon={<CircleCheck aria-hidden className="size-4" />} onClick={() => run(update, { status: "resolved" }, false, () => resolvedToast(c.id))}>
              {t("conv.status.resolve")}
            </Button>
          ) : (
            <Button size="sm" data-testid="reopen" loading={update.isPending && update.variables?.status === "open"} icon={<RotateCcw aria-hidden className="size-4" />} onClick={() => run(update, { status: "open" }, t("conv.status.reopenedToast"))}>
              {t("conv.status.reopen")}
            </Button>
          )}
          {active ? <SnoozeMenu conversation={c} onSnooze={(iso) => run(update, { snoozed_until: iso }, iso ? t("conv.snooze.done") : t("conv.snooze.woken"))} /> : null}
        </div>
      ) : null}
      <Field label={t("conv.priority.label")} className="mb-1">
        <Select data-testid="priority" disabled={!work} value={c.priority} onChange={(e) => run(update, { priority: e.target.value as Schemas["Priority"] })} className="h-9">
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`conv.priority.${p}`)}
            </option>
          ))}
        </Select>
      </Field>
      <p className="mb-1.5 text-sm font-medium text-slate-700">{t("conv.tags.conversation")}</p>
      <TagPicker label={t("conv.tags.conversation")} tags={c.tags} disabled={!work} onChange={(ids) => run(update, { tag_ids: ids }, false)} />
    </PanelSection>
  );
}
