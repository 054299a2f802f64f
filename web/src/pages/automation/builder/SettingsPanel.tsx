// The side panel's "Fluxo" tab: name, description, whether it runs, its priority among flows
// that match the same message, and the triggers that start it.

import { useTranslation } from "react-i18next";

import { Field, Input, Select, Textarea } from "../../../components/ui/Field";
import { useApiError } from "../../../lib/useApiError";
import { MAX_KEYWORD_LEN, MAX_KEYWORDS } from "../../../automation/flows/limits";
import { newTrigger } from "../../../automation/flows/triggers";
import { KEYWORD_MATCHES, TRIGGER_KINDS } from "../../../automation/flows/types";
import type { KeywordMatch, Trigger, TriggerKind } from "../../../automation/flows/types";
import { IntField, LimitedList, removeAt, setAt } from "./forms/bits";
import type { Lookups } from "./forms/lookups";
import type { Settings } from "./useBuilder";

/** Keywords from the textarea, one per line, each cut to the limit, at most 50. */
export function keywordsFrom(text: string): string[] {
  return text
    .split("\n")
    .slice(0, MAX_KEYWORDS)
    .map((k) => [...k].slice(0, MAX_KEYWORD_LEN).join(""));
}

function TriggerEditor({ trigger, onChange, channels }: { trigger: Trigger; onChange: (tr: Trigger) => void; channels: Lookups["channels"] }) {
  const { t } = useTranslation();
  return (
    <div className="space-y-1">
      <Field label={t("automation.triggers.kind")}>
        <Select value={trigger.kind} onChange={(e) => onChange(newTrigger(e.target.value as TriggerKind, channels[0]?.id))}>
          {TRIGGER_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`automation.triggers.kinds.${k}`)}
            </option>
          ))}
        </Select>
      </Field>
      {trigger.kind === "keyword" ? (
        <>
          <Field label={t("automation.triggers.matchLabel")}>
            <Select value={trigger.match ?? "equals"} onChange={(e) => onChange({ ...trigger, match: e.target.value as KeywordMatch })}>
              {KEYWORD_MATCHES.map((m) => (
                <option key={m} value={m}>
                  {t(`automation.triggers.match.${m}`)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t("automation.triggers.keywords")} hint={t("automation.triggers.keywordsHint", { max: MAX_KEYWORDS })}>
            <Textarea rows={3} value={trigger.keywords.join("\n")} onChange={(e) => onChange({ ...trigger, keywords: keywordsFrom(e.target.value) })} />
          </Field>
        </>
      ) : null}
      {trigger.kind === "new_conversation" ? (
        <Field label={t("automation.triggers.channel")}>
          <Select value={trigger.channel_id} onChange={(e) => onChange({ kind: "new_conversation", channel_id: e.target.value })}>
            <option value="">{t("automation.form.choose")}</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      <p className="text-xs text-slate-500">{t(`automation.triggers.hints.${trigger.kind}`)}</p>
    </div>
  );
}

interface Props {
  settings: Settings;
  onChange: (s: Settings) => void;
  lookups: Lookups;
  readOnly: boolean;
  saveError: unknown;
}

export function SettingsPanel({ settings: s, onChange, lookups, readOnly, saveError }: Props) {
  const { t } = useTranslation();
  const { field } = useApiError();
  return (
    <fieldset disabled={readOnly} className="min-w-0 space-y-1 p-4">
      <Field label={t("common.name")} error={field(saveError, "name") ?? (s.name.trim() ? undefined : t("automation.flows.nameRequired"))}>
        <Input value={s.name} maxLength={120} onChange={(e) => onChange({ ...s, name: e.target.value })} />
      </Field>
      <Field label={t("common.descriptionOptional")} error={field(saveError, "description")}>
        <Textarea rows={2} maxLength={500} value={s.description} onChange={(e) => onChange({ ...s, description: e.target.value })} />
      </Field>
      <label className="flex items-center gap-2 py-1 text-sm font-medium text-slate-700">
        <input type="checkbox" className="accent-brand-700" checked={s.active} onChange={(e) => onChange({ ...s, active: e.target.checked })} />
        {t("automation.flows.active")}
      </label>
      <p className="pb-2 text-xs text-slate-500">{t("automation.flows.activeHint")}</p>
      <IntField label={t("automation.flows.priority")} hint={t("automation.flows.priorityHint")} value={s.priority} min={0} max={1000} onChange={(priority) => onChange({ ...s, priority })} />
      <h3 className="pt-2 text-sm font-semibold text-slate-900">{t("automation.triggers.title")}</h3>
      {field(saveError, "triggers") ? <p className="text-xs text-red-600">{field(saveError, "triggers")}</p> : null}
      <LimitedList
        items={s.triggers}
        max={20}
        addLabel={t("automation.triggers.add")}
        removeLabel={(i) => t("automation.triggers.remove", { n: i + 1 })}
        onAdd={() => onChange({ ...s, triggers: [...s.triggers, newTrigger("keyword")] })}
        onRemove={(i) => onChange({ ...s, triggers: removeAt(s.triggers, i) })}
        render={(tr, i) => <TriggerEditor trigger={tr} channels={lookups.channels} onChange={(next) => onChange({ ...s, triggers: setAt(s.triggers, i, next) })} />}
      />
    </fieldset>
  );
}
