// The forms of the small node types: start (nothing to set), delay (1 s to 30 days), tag
// (add/remove), transfer (to a team, department or agent) and end (optionally resolve).

import { useState } from "react";
import { useTranslation } from "react-i18next";

import { Field, Input, Select } from "../../../../components/ui/Field";
import { DELAY_UNITS, delayParts, delaySeconds } from "../../../../automation/flows/limits";
import type { DelayUnit } from "../../../../automation/flows/limits";
import { TRANSFER_TARGETS } from "../../../../automation/flows/types";
import type { DelayConfig, EndConfig, TagConfig, TransferTarget, TransferTo } from "../../../../automation/flows/types";
import type { Lookups, TagOption } from "./lookups";

export function StartForm() {
  const { t } = useTranslation();
  return <p className="text-sm text-slate-600">{t("automation.start.intro")}</p>;
}

/** An amount and a unit; only a delay of 1 second to 30 days reaches `onChange`. */
export function DelayForm({ config, onChange }: { config: DelayConfig; onChange: (c: DelayConfig) => void }) {
  const { t } = useTranslation();
  const initial = delayParts(config.seconds);
  const [amount, setAmount] = useState(String(initial.amount));
  const [unit, setUnit] = useState<DelayUnit>(initial.unit);
  const seconds = /^\s*\d+\s*$/.test(amount) ? delaySeconds(Number(amount), unit) : null;
  const commit = (a: string, u: DelayUnit) => {
    setAmount(a);
    setUnit(u);
    const s = /^\s*\d+\s*$/.test(a) ? delaySeconds(Number(a), u) : null;
    if (s !== null) onChange({ seconds: s });
  };
  return (
    <div className="space-y-1">
      <div className="flex gap-2">
        <Field className="flex-1" label={t("automation.delay.amount")} error={seconds === null ? t("automation.delay.range") : undefined}>
          <Input inputMode="numeric" value={amount} onChange={(e) => commit(e.target.value, unit)} />
        </Field>
        <Field className="flex-1" label={t("automation.delay.unit")}>
          <Select value={unit} onChange={(e) => commit(amount, e.target.value as DelayUnit)}>
            {DELAY_UNITS.map((u) => (
              <option key={u} value={u}>
                {t(`automation.delay.units.${u}`)}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <p className="text-xs text-slate-500">{t("automation.delay.hint")}</p>
    </div>
  );
}

function TagChecklist({ legend, tags, chosen, onChange }: { legend: string; tags: TagOption[]; chosen: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="space-y-1">
      <legend className="mb-1 text-sm font-medium text-slate-700">{legend}</legend>
      {tags.length === 0 ? <p className="text-xs text-slate-500">{t("automation.tag.none")}</p> : null}
      {tags.map((tg) => (
        <label key={tg.id} className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            className="accent-brand-700"
            checked={chosen.includes(tg.id)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, tg.id] : chosen.filter((x) => x !== tg.id))}
          />
          {tg.name}
        </label>
      ))}
    </fieldset>
  );
}

export function TagForm({ config, onChange, tags }: { config: TagConfig; onChange: (c: TagConfig) => void; tags: TagOption[] }) {
  const { t } = useTranslation();
  // A tag is either added or removed: choosing it on one side takes it off the other.
  return (
    <div className="space-y-4">
      <TagChecklist legend={t("automation.tag.add")} tags={tags} chosen={config.add} onChange={(add) => onChange({ add, remove: config.remove.filter((x) => !add.includes(x)) })} />
      <TagChecklist legend={t("automation.tag.remove")} tags={tags} chosen={config.remove} onChange={(remove) => onChange({ remove, add: config.add.filter((x) => !remove.includes(x)) })} />
      {config.add.length === 0 && config.remove.length === 0 ? <p className="text-xs text-amber-700">{t("automation.tag.empty")}</p> : null}
    </div>
  );
}

export function TransferForm({ config, onChange, targets }: { config: TransferTarget; onChange: (c: TransferTarget) => void; targets: Lookups["targets"] }) {
  const { t } = useTranslation();
  const list = targets[config.to];
  return (
    <div className="space-y-1">
      <Field label={t("automation.transfer.to")}>
        <Select value={config.to} onChange={(e) => onChange({ to: e.target.value as TransferTo, id: "" })}>
          {TRANSFER_TARGETS.map((to) => (
            <option key={to} value={to}>
              {t(`automation.transfer.targets.${to}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t(`automation.transfer.which.${config.to}`)} error={config.id ? undefined : t("automation.issues.transfer_target_missing")}>
        <Select value={config.id} onChange={(e) => onChange({ ...config, id: e.target.value })}>
          <option value="">{t("automation.form.choose")}</option>
          {list.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </Select>
      </Field>
      <p className="text-xs text-slate-500">{t("automation.transfer.hint")}</p>
    </div>
  );
}

export function EndForm({ config, onChange }: { config: EndConfig; onChange: (c: EndConfig) => void }) {
  const { t } = useTranslation();
  return (
    <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
      <input type="checkbox" className="accent-brand-700" checked={config.resolve ?? false} onChange={(e) => onChange({ resolve: e.target.checked })} />
      {t("automation.end.resolve")}
    </label>
  );
}
