// The question node's form: the prompt, how the answer is validated, the variable it is stored
// in, the options (≤ 20; buttons take ≤ 3 of ≤ 20 characters, a list ≤ 10 of ≤ 24), re-asks
// (0–10) and an optional timeout (1 minute to 30 days).

import { useTranslation } from "react-i18next";

import { Field, Input, Select } from "../../../../components/ui/Field";
import { Alert } from "../../../../components/ui/States";
import {
  MAX_INTERACTIVE_BODY,
  MAX_LIST_BUTTON,
  MAX_OPTION_TITLE,
  MAX_OPTIONS,
  MAX_RETRIES,
  MAX_ROW_DESCRIPTION,
  MAX_TEXT,
  MAX_TIMEOUT_MINUTES,
  fitsButtons,
  fitsList,
  isVariableName,
} from "../../../../automation/flows/limits";
import { nextId } from "../../../../automation/flows/model";
import { ANSWER_KINDS, OPTIONS_DISPLAYS } from "../../../../automation/flows/types";
import type { AnswerKind, OptionsDisplay, QuestionConfig } from "../../../../automation/flows/types";
import { CountedField, IntField, LimitedList, TemplateHint, optional, removeAt, setAt } from "./bits";

/** Whether the configured display cannot show the options (publishing refuses it). */
export function displayDoesNotFit(q: QuestionConfig): boolean {
  if (q.answer !== "options") return false;
  if (q.display === "buttons") return !fitsButtons(q);
  if (q.display === "list") return !fitsList(q);
  return false;
}

/** The config after choosing `answer`: options appear with two to start, and go with other kinds. */
export function switchAnswer(q: QuestionConfig, answer: AnswerKind): QuestionConfig {
  if (answer === "options") {
    const options = q.options?.length ? q.options : [{ id: "o1", title: "" }, { id: "o2", title: "" }];
    return { ...q, answer, options, display: q.display ?? "auto" };
  }
  const rest = { ...q, answer };
  delete rest.options;
  delete rest.display;
  delete rest.list_button;
  return rest;
}

export function QuestionForm({ config, onChange }: { config: QuestionConfig; onChange: (c: QuestionConfig) => void }) {
  const { t } = useTranslation();
  const q = config;
  const answer = q.answer ?? "text";
  const options = q.options ?? [];
  const withOptions = answer === "options";
  const display = q.display ?? "auto";
  return (
    <div className="space-y-1">
      <CountedField multiline label={t("automation.question.prompt")} value={q.prompt} max={withOptions ? MAX_INTERACTIVE_BODY : MAX_TEXT} hint={<TemplateHint />} onChange={(prompt) => onChange({ ...q, prompt })} />
      <Field label={t("automation.question.answer")}>
        <Select value={answer} onChange={(e) => onChange(switchAnswer(q, e.target.value as AnswerKind))}>
          {ANSWER_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`automation.question.answers.${k}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        label={t("automation.question.variable")}
        hint={t("automation.question.variableHint", { example: `{{vars.${q.variable || "x"}}}` })}
        error={isVariableName(q.variable) ? undefined : t("automation.form.invalidVariable")}
      >
        <Input value={q.variable} onChange={(e) => onChange({ ...q, variable: e.target.value.slice(0, 64) })} />
      </Field>
      {withOptions ? (
        <>
          <p className="text-sm font-medium text-slate-700">{t("automation.question.options")}</p>
          <LimitedList
            items={options}
            max={MAX_OPTIONS}
            min={1}
            addLabel={t("automation.question.addOption")}
            removeLabel={(i) => t("automation.question.removeOption", { n: i + 1 })}
            onAdd={() => onChange({ ...q, options: [...options, { id: nextId("o", options.map((o) => o.id)), title: "" }] })}
            onRemove={(i) => onChange({ ...q, options: removeAt(options, i) })}
            render={(o, i) => (
              <>
                <CountedField label={t("automation.question.optionTitle", { n: i + 1 })} value={o.title} max={MAX_OPTION_TITLE} onChange={(title) => onChange({ ...q, options: setAt(options, i, { ...o, title }) })} />
                {display === "list" || display === "auto" ? (
                  <CountedField
                    label={t("automation.message.rowDescription")}
                    value={o.description ?? ""}
                    max={MAX_ROW_DESCRIPTION}
                    onChange={(v) => onChange({ ...q, options: setAt(options, i, { ...o, description: optional(v) }) })}
                  />
                ) : null}
              </>
            )}
          />
          <Field label={t("automation.question.display")} hint={t("automation.question.displayHint")}>
            <Select value={display} onChange={(e) => onChange({ ...q, display: e.target.value as OptionsDisplay })}>
              {OPTIONS_DISPLAYS.map((d) => (
                <option key={d} value={d}>
                  {t(`automation.question.displays.${d}`)}
                </option>
              ))}
            </Select>
          </Field>
          {displayDoesNotFit(q) ? <Alert kind="warning">{t("automation.question.doesNotFit")}</Alert> : null}
          {display === "list" || display === "auto" ? (
            <CountedField label={t("automation.message.listButton")} value={q.list_button ?? ""} max={MAX_LIST_BUTTON} placeholder="Ver opções" onChange={(v) => onChange({ ...q, list_button: optional(v) })} />
          ) : null}
        </>
      ) : null}
      <IntField label={t("automation.question.retries")} hint={t("automation.question.retriesHint")} value={q.max_retries ?? 2} min={0} max={MAX_RETRIES} onChange={(max_retries) => onChange({ ...q, max_retries })} />
      <CountedField multiline label={t("automation.question.retryText")} value={q.retry_text ?? ""} max={withOptions ? MAX_INTERACTIVE_BODY : MAX_TEXT} hint={t("automation.question.retryTextHint")} onChange={(v) => onChange({ ...q, retry_text: optional(v) })} />
      <label className="flex items-center gap-2 py-1 text-sm font-medium text-slate-700">
        <input
          type="checkbox"
          className="accent-brand-700"
          checked={q.timeout_minutes !== undefined}
          onChange={(e) => {
            const next = { ...q };
            if (e.target.checked) next.timeout_minutes = 60;
            else delete next.timeout_minutes;
            onChange(next);
          }}
        />
        {t("automation.question.useTimeout")}
      </label>
      {q.timeout_minutes !== undefined ? (
        <IntField label={t("automation.question.timeout")} hint={t("automation.question.timeoutHint")} value={q.timeout_minutes} min={1} max={MAX_TIMEOUT_MINUTES} onChange={(timeout_minutes) => onChange({ ...q, timeout_minutes })} />
      ) : null}
    </div>
  );
}
