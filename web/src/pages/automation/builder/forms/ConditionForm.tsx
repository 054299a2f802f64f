// The condition node's form: branches tried in order, each a handle of its own (its id), with
// rules combined by all/any; `else` when none holds.

import { useTranslation } from "react-i18next";

import { Field, Input, Select } from "../../../../components/ui/Field";
import { MAX_ID_LEN, isVariableName } from "../../../../automation/flows/limits";
import { ELSE, nextId } from "../../../../automation/flows/model";
import { OPS, SUBJECT_KINDS } from "../../../../automation/flows/types";
import type { Branch, ConditionConfig, MatchMode, Op, Rule, Subject, SubjectKind } from "../../../../automation/flows/types";
import { IdField, LimitedList, removeAt, setAt } from "./bits";
import type { IdProblem } from "./bits";
import type { TagOption } from "./lookups";

/** Why `candidate` cannot be the id of branch `index`, or null. */
export function branchIdProblem(branches: readonly Branch[], index: number, candidate: string): IdProblem | null {
  if (candidate.trim() === "" || candidate !== candidate.trim()) return "empty";
  if (candidate === ELSE) return "reserved";
  if ([...candidate].length > MAX_ID_LEN) return "tooLong";
  if (branches.some((b, j) => j !== index && b.id === candidate)) return "taken";
  return null;
}

export function needsValue(op: Op): boolean {
  return op !== "is_set" && op !== "is_empty";
}

function subjectOf(kind: SubjectKind): Subject {
  if (kind === "var") return { kind, name: "" };
  if (kind === "contact_field") return { kind, field: "name" };
  return { kind };
}

/** A rule after choosing its subject: business hours compare with true, others keep the op. */
export function switchSubject(r: Rule, kind: SubjectKind): Rule {
  if (kind === "business_hours") return { subject: { kind }, op: "equals", value: true };
  const value = typeof r.value === "boolean" ? "" : r.value;
  return { ...r, subject: subjectOf(kind), ...(needsValue(r.op) ? { value: value ?? "" } : {}) };
}

function switchOp(r: Rule, op: Op): Rule {
  const next: Rule = { ...r, op };
  if (!needsValue(op)) delete next.value;
  else if (next.value === undefined) next.value = "";
  return next;
}

function RuleEditor({ rule, onChange, tags }: { rule: Rule; onChange: (r: Rule) => void; tags: TagOption[] }) {
  const { t } = useTranslation();
  const s = rule.subject;
  const value = rule.value;
  return (
    <div className="space-y-1">
      <Field label={t("automation.condition.subject")}>
        <Select value={s.kind} onChange={(e) => onChange(switchSubject(rule, e.target.value as SubjectKind))}>
          {SUBJECT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`automation.condition.subjects.${k}`)}
            </option>
          ))}
        </Select>
      </Field>
      {s.kind === "var" ? (
        <Field label={t("automation.condition.varName")} error={isVariableName(s.name) ? undefined : t("automation.form.invalidVariable")}>
          <Input value={s.name} onChange={(e) => onChange({ ...rule, subject: { kind: "var", name: e.target.value.slice(0, 64) } })} />
        </Field>
      ) : null}
      {s.kind === "contact_field" ? (
        <Field label={t("automation.condition.field")} hint={t("automation.condition.fieldHint")}>
          <Input value={s.field} onChange={(e) => onChange({ ...rule, subject: { kind: "contact_field", field: e.target.value } })} />
        </Field>
      ) : null}
      {s.kind === "business_hours" ? (
        <Field label={t("automation.condition.value")}>
          <Select value={value === false ? "false" : "true"} onChange={(e) => onChange({ ...rule, op: "equals", value: e.target.value === "true" })}>
            <option value="true">{t("automation.condition.open")}</option>
            <option value="false">{t("automation.condition.closed")}</option>
          </Select>
        </Field>
      ) : (
        <>
          <Field label={t("automation.condition.op")}>
            <Select value={rule.op} onChange={(e) => onChange(switchOp(rule, e.target.value as Op))}>
              {OPS.map((o) => (
                <option key={o} value={o}>
                  {t(`automation.condition.ops.${o}`)}
                </option>
              ))}
            </Select>
          </Field>
          {needsValue(rule.op) && s.kind === "tags" ? (
            <Field label={t("automation.condition.tag")}>
              <Select value={typeof value === "string" ? value : ""} onChange={(e) => onChange({ ...rule, value: e.target.value })}>
                <option value="">{t("automation.form.choose")}</option>
                {tags.map((tg) => (
                  <option key={tg.id} value={tg.id}>
                    {tg.name}
                  </option>
                ))}
              </Select>
            </Field>
          ) : needsValue(rule.op) ? (
            <Field label={t("automation.condition.value")}>
              <Input value={value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value)} onChange={(e) => onChange({ ...rule, value: e.target.value })} />
            </Field>
          ) : null}
        </>
      )}
    </div>
  );
}

const newRule = (): Rule => ({ subject: { kind: "var", name: "" }, op: "equals", value: "" });

export function ConditionForm({ config, onChange, tags }: { config: ConditionConfig; onChange: (c: ConditionConfig) => void; tags: TagOption[] }) {
  const { t } = useTranslation();
  const branches = config.branches;
  const setBranch = (i: number, b: Branch) => onChange({ branches: setAt(branches, i, b) });
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600">{t("automation.condition.intro")}</p>
      <LimitedList
        items={branches}
        max={20}
        addLabel={t("automation.condition.addBranch")}
        removeLabel={(i) => t("automation.condition.removeBranch", { id: branches[i]?.id ?? "" })}
        onAdd={() => onChange({ branches: [...branches, { id: nextId("b", branches.map((b) => b.id)), match: "all", rules: [newRule()] }] })}
        onRemove={(i) => onChange({ branches: removeAt(branches, i) })}
        render={(b, i) => (
          <div className="space-y-1">
            <IdField label={t("automation.condition.branchId")} value={b.id} check={(v) => branchIdProblem(branches, i, v)} onChange={(id) => setBranch(i, { ...b, id })} />
            <Field label={t("automation.condition.match")}>
              <Select value={b.match ?? "all"} onChange={(e) => setBranch(i, { ...b, match: e.target.value as MatchMode })}>
                <option value="all">{t("automation.condition.all")}</option>
                <option value="any">{t("automation.condition.any")}</option>
              </Select>
            </Field>
            <LimitedList
              items={b.rules}
              max={20}
              min={1}
              addLabel={t("automation.condition.addRule")}
              removeLabel={(j) => t("automation.condition.removeRule", { n: j + 1 })}
              onAdd={() => setBranch(i, { ...b, rules: [...b.rules, newRule()] })}
              onRemove={(j) => setBranch(i, { ...b, rules: removeAt(b.rules, j) })}
              render={(r, j) => <RuleEditor rule={r} tags={tags} onChange={(nr) => setBranch(i, { ...b, rules: setAt(b.rules, j, nr) })} />}
            />
          </div>
        )}
      />
      <p className="text-xs text-slate-500">{t("automation.condition.elseHint")}</p>
    </div>
  );
}
