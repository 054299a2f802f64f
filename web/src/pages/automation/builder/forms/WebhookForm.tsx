// The webhook node's form: method, URL, headers (≤ 20), a templated body, a timeout of 1–30 s,
// and answer fields copied into variables (≤ 50). Leaves by `success` (2xx) or `failure`.

import { useTranslation } from "react-i18next";

import { Field, Input, Select, Textarea } from "../../../../components/ui/Field";
import { MAX_HEADERS, MAX_MAPPINGS, MAX_URL, WEBHOOK_TIMEOUT, isVariableName } from "../../../../automation/flows/limits";
import { HTTP_METHODS } from "../../../../automation/flows/types";
import type { HttpMethod, WebhookConfig } from "../../../../automation/flows/types";
import { CountedField, IntField, LimitedList, TemplateHint, removeAt, setAt } from "./bits";

/** A JSON body with a value from the contact, shown literally in the hint. */
const BODY_EXAMPLE = '{"nome": {{ contact.name|tojson }}}';

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

export function WebhookForm({ config, onChange }: { config: WebhookConfig; onChange: (c: WebhookConfig) => void }) {
  const { t } = useTranslation();
  const c = config;
  const headers = c.headers ?? [];
  const mappings = c.response_mapping ?? [];
  const method = c.method ?? "POST";
  const urlOk = /^https?:\/\/[^\s/?#]+/i.test(c.url.trim());
  return (
    <div className="space-y-1">
      <Field label={t("automation.webhook.method")}>
        <Select value={method} onChange={(e) => onChange({ ...c, method: e.target.value as HttpMethod })}>
          {HTTP_METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </Select>
      </Field>
      <CountedField
        label={t("automation.webhook.url")}
        value={c.url}
        max={MAX_URL}
        placeholder="https://"
        hint={<TemplateHint />}
        error={c.url === "" || urlOk ? undefined : t("automation.issues.invalid_webhook_url")}
        onChange={(url) => onChange({ ...c, url })}
      />
      <p className="text-sm font-medium text-slate-700">{t("automation.webhook.headers")}</p>
      <LimitedList
        items={headers}
        max={MAX_HEADERS}
        addLabel={t("automation.webhook.addHeader")}
        removeLabel={(i) => t("automation.webhook.removeHeader", { n: i + 1 })}
        onAdd={() => onChange({ ...c, headers: [...headers, { name: "", value: "" }] })}
        onRemove={(i) => onChange({ ...c, headers: removeAt(headers, i) })}
        render={(h, i) => (
          <div className="grid grid-cols-2 gap-2">
            <Field label={t("automation.webhook.headerName")} error={h.name === "" || HEADER_NAME.test(h.name.trim()) ? undefined : t("automation.issues.invalid_header_name")}>
              <Input value={h.name} onChange={(e) => onChange({ ...c, headers: setAt(headers, i, { ...h, name: e.target.value }) })} />
            </Field>
            <Field label={t("automation.webhook.headerValue")}>
              <Input value={h.value} onChange={(e) => onChange({ ...c, headers: setAt(headers, i, { ...h, value: e.target.value }) })} />
            </Field>
          </div>
        )}
      />
      {method !== "GET" ? (
        <Field label={t("automation.webhook.body")} hint={t("automation.webhook.bodyHint", { example: BODY_EXAMPLE })}>
          <Textarea
            className="font-mono text-xs"
            rows={4}
            value={c.body ?? ""}
            onChange={(e) => {
              const next: WebhookConfig = { ...c, body: e.target.value };
              if (e.target.value === "") delete next.body;
              onChange(next);
            }}
          />
        </Field>
      ) : null}
      <IntField label={t("automation.webhook.timeout")} value={c.timeout_secs ?? 10} min={WEBHOOK_TIMEOUT.min} max={WEBHOOK_TIMEOUT.max} onChange={(timeout_secs) => onChange({ ...c, timeout_secs })} />
      <p className="text-sm font-medium text-slate-700">{t("automation.webhook.mapping")}</p>
      <p className="text-xs text-slate-500">{t("automation.webhook.mappingHint")}</p>
      <LimitedList
        items={mappings}
        max={MAX_MAPPINGS}
        addLabel={t("automation.webhook.addMapping")}
        removeLabel={(i) => t("automation.webhook.removeMapping", { n: i + 1 })}
        onAdd={() => onChange({ ...c, response_mapping: [...mappings, { path: "", variable: "" }] })}
        onRemove={(i) => onChange({ ...c, response_mapping: removeAt(mappings, i) })}
        render={(m, i) => (
          <div className="grid grid-cols-2 gap-2">
            <Field label={t("automation.webhook.path")}>
              <Input value={m.path} placeholder="data.status" onChange={(e) => onChange({ ...c, response_mapping: setAt(mappings, i, { ...m, path: e.target.value }) })} />
            </Field>
            <Field label={t("automation.question.variable")} error={m.variable === "" || isVariableName(m.variable) ? undefined : t("automation.form.invalidVariable")}>
              <Input value={m.variable} onChange={(e) => onChange({ ...c, response_mapping: setAt(mappings, i, { ...m, variable: e.target.value.slice(0, 64) }) })} />
            </Field>
          </div>
        )}
      />
      <p className="pt-2 text-xs text-slate-500">{t("automation.webhook.handlesHint")}</p>
    </div>
  );
}
