// Building blocks of the node forms: text fields that stop at a limit and count characters,
// integer fields that only pass on values within range, id fields that only pass on valid ids,
// lists with a maximum, and the hint about template variables.

import { Plus, Trash2 } from "lucide-react";
import type { ReactNode } from "react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { Button, IconButton } from "../../../../components/ui/Button";
import { Field, Input, Textarea } from "../../../../components/ui/Field";
import { charCount, clip, intIn } from "../../../../automation/flows/limits";

/** The variables a text may use, shown literally in hints. */
export const TEMPLATE_EXAMPLES = "{{contact.name}}, {{vars.x}}";

export function TemplateHint() {
  const { t } = useTranslation();
  return <>{t("automation.form.templateHint", { examples: TEMPLATE_EXAMPLES })}</>;
}

interface CountedProps {
  label: ReactNode;
  value: string;
  max: number;
  onChange: (v: string) => void;
  multiline?: boolean;
  hint?: ReactNode;
  error?: string;
  placeholder?: string;
}

/** A text input (or textarea) that keeps at most `max` characters and shows "n/max". */
export function CountedField({ label, value, max, onChange, multiline, hint, error, placeholder }: CountedProps) {
  const count = (
    <span className="ml-2 text-xs font-normal text-slate-400" aria-hidden>
      {charCount(value)}/{max}
    </span>
  );
  const set = (v: string) => onChange(clip(v, max));
  return (
    <Field label={<>{label}{count}</>} hint={hint} error={error}>
      {multiline ? (
        <Textarea value={value} placeholder={placeholder} onChange={(e) => set(e.target.value)} rows={3} />
      ) : (
        <Input value={value} placeholder={placeholder} onChange={(e) => set(e.target.value)} />
      )}
    </Field>
  );
}

interface IntProps {
  label: ReactNode;
  value: number | undefined;
  min: number;
  max: number;
  onChange: (v: number) => void;
  hint?: ReactNode;
}

/**
 * A whole number within [min, max]. What is typed stays in the field; only a valid number reaches
 * `onChange`, anything else shows the range as an error.
 */
export function IntField({ label, value, min, max, onChange, hint }: IntProps) {
  const { t } = useTranslation();
  const [raw, setRaw] = useState(value === undefined ? "" : String(value));
  const valid = intIn(raw, min, max) !== null;
  return (
    <Field label={label} hint={hint} error={valid ? undefined : t("automation.form.between", { min, max })}>
      <Input
        inputMode="numeric"
        value={raw}
        onChange={(e) => {
          setRaw(e.target.value);
          const n = intIn(e.target.value, min, max);
          if (n !== null) onChange(n);
        }}
      />
    </Field>
  );
}

export type IdProblem = "empty" | "reserved" | "tooLong" | "taken";

interface IdProps {
  label: ReactNode;
  value: string;
  /** The error code of a candidate id, or null when it may be used. */
  check: (candidate: string) => IdProblem | null;
  onChange: (v: string) => void;
}

/** An id (branch, handle): only a valid one reaches `onChange`; otherwise the field says why. */
export function IdField({ label, value, check, onChange }: IdProps) {
  const { t } = useTranslation();
  const [raw, setRaw] = useState(value);
  const problem = raw === value ? null : check(raw);
  return (
    <Field label={label} error={problem ? t(`automation.form.idProblem.${problem}`) : undefined}>
      <Input
        value={raw}
        onChange={(e) => {
          setRaw(e.target.value);
          if (!check(e.target.value)) onChange(e.target.value);
        }}
      />
    </Field>
  );
}

interface ListProps<T> {
  items: readonly T[];
  max: number;
  /** Label of the add button ("Adicionar botão"). */
  addLabel: string;
  /** Accessible name of an item's remove button. */
  removeLabel: (index: number) => string;
  onAdd: () => void;
  onRemove: (index: number) => void;
  render: (item: T, index: number) => ReactNode;
  /** Fewest items (remove is hidden at this count). */
  min?: number;
}

/** Items with a remove button each and an add button that stops at `max` ("no máximo 3"). */
export function LimitedList<T>({ items, max, addLabel, removeLabel, onAdd, onRemove, render, min = 0 }: ListProps<T>) {
  const { t } = useTranslation();
  const full = items.length >= max;
  return (
    <div className="space-y-2">
      {items.map((item, i) => (
        <div key={i} className="flex items-start gap-1 rounded-lg border border-slate-200 bg-slate-50/60 p-2">
          <div className="min-w-0 flex-1">{render(item, i)}</div>
          {items.length > min ? (
            <IconButton label={removeLabel(i)} icon={<Trash2 aria-hidden className="size-4" />} variant="ghost-danger" onClick={() => onRemove(i)} />
          ) : null}
        </div>
      ))}
      <div className="flex items-center gap-2">
        <Button variant="secondary" size="sm" icon={<Plus aria-hidden className="size-4" />} disabled={full} onClick={onAdd}>
          {addLabel}
        </Button>
        <span className="text-xs text-slate-500">{full ? t("automation.form.atMost", { count: max }) : t("automation.form.count", { count: items.length, max })}</span>
      </div>
    </div>
  );
}

/** Replaces item `i` of `list`. */
export function setAt<T>(list: readonly T[], i: number, v: T): T[] {
  return list.map((x, j) => (j === i ? v : x));
}

/** `list` without item `i`. */
export function removeAt<T>(list: readonly T[], i: number): T[] {
  return list.filter((_, j) => j !== i);
}

/** Drops an optional string field when it is empty (serde skips it). */
export function optional(v: string): string | undefined {
  return v === "" ? undefined : v;
}
