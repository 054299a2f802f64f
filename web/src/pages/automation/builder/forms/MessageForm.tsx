// The message node's form: text, media, an approved template, reply buttons (≤ 3, titles ≤ 20)
// or a list (≤ 10 rows, titles ≤ 24, descriptions ≤ 72, its button ≤ 20).

import { useTranslation } from "react-i18next";

import { Field, Input, Select } from "../../../../components/ui/Field";
import {
  MAX_BUTTON_TITLE,
  MAX_BUTTONS,
  MAX_FILE_NAME,
  MAX_INTERACTIVE_BODY,
  MAX_LIST_BUTTON,
  MAX_LIST_ROWS,
  MAX_ROW_DESCRIPTION,
  MAX_ROW_TITLE,
  MAX_TEXT,
  MAX_URL,
  clip,
} from "../../../../automation/flows/limits";
import { nextId } from "../../../../automation/flows/model";
import { MEDIA_KINDS, MESSAGE_TYPES } from "../../../../automation/flows/types";
import type { MediaKind, MessageConfig, MessageType } from "../../../../automation/flows/types";
import { CountedField, LimitedList, TemplateHint, optional, removeAt, setAt } from "./bits";

/** The config after switching a message to `type`, keeping its text where both have one. */
export function switchMessageType(c: MessageConfig, type: MessageType): MessageConfig {
  if (c.type === type) return c;
  const text = "text" in c ? c.text : c.type === "media" ? (c.caption ?? "") : "";
  switch (type) {
    case "text":
      return { type, text };
    case "media":
      return { type, kind: "image", url: "", ...(text ? { caption: clip(text, MAX_INTERACTIVE_BODY) } : {}) };
    case "template":
      return { type, name: "", language: "pt_BR", parameters: [] };
    case "buttons":
      return { type, text: clip(text, MAX_INTERACTIVE_BODY), buttons: [{ id: "b1", title: "" }] };
    case "list":
      return { type, text: clip(text, MAX_INTERACTIVE_BODY), button: "", rows: [{ id: "r1", title: "" }] };
  }
}

export function MessageForm({ config, onChange }: { config: MessageConfig; onChange: (c: MessageConfig) => void }) {
  const { t } = useTranslation();
  const c = config;
  return (
    <div className="space-y-1">
      <Field label={t("automation.message.type")}>
        <Select value={c.type} onChange={(e) => onChange(switchMessageType(c, e.target.value as MessageType))}>
          {MESSAGE_TYPES.map((m) => (
            <option key={m} value={m}>
              {t(`automation.message.types.${m}`)}
            </option>
          ))}
        </Select>
      </Field>
      {c.type === "text" ? (
        <CountedField multiline label={t("automation.message.text")} value={c.text} max={MAX_TEXT} hint={<TemplateHint />} onChange={(text) => onChange({ ...c, text })} />
      ) : null}
      {c.type === "media" ? (
        <>
          <Field label={t("automation.message.mediaKind")}>
            <Select value={c.kind} onChange={(e) => onChange({ ...c, kind: e.target.value as MediaKind })}>
              {MEDIA_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`automation.message.media.${k}`)}
                </option>
              ))}
            </Select>
          </Field>
          <CountedField label={t("automation.message.url")} value={c.url} max={MAX_URL} placeholder="https://" hint={<TemplateHint />} onChange={(url) => onChange({ ...c, url })} />
          {c.kind !== "sticker" && c.kind !== "audio" ? (
            <CountedField multiline label={t("automation.message.caption")} value={c.caption ?? ""} max={MAX_INTERACTIVE_BODY} onChange={(v) => onChange({ ...c, caption: optional(v) })} />
          ) : null}
          {c.kind === "document" ? (
            <CountedField label={t("automation.message.fileName")} value={c.file_name ?? ""} max={MAX_FILE_NAME} onChange={(v) => onChange({ ...c, file_name: optional(v) })} />
          ) : null}
        </>
      ) : null}
      {c.type === "template" ? (
        <>
          <Field label={t("automation.message.templateName")}>
            <Input value={c.name} onChange={(e) => onChange({ ...c, name: e.target.value })} />
          </Field>
          <Field label={t("automation.message.language")} hint={t("automation.message.languageHint")}>
            <Input value={c.language} onChange={(e) => onChange({ ...c, language: e.target.value })} />
          </Field>
          <p className="text-sm font-medium text-slate-700">{t("automation.message.parameters")}</p>
          <LimitedList
            items={c.parameters ?? []}
            max={20}
            addLabel={t("automation.message.addParameter")}
            removeLabel={(i) => t("automation.message.removeParameter", { n: i + 1 })}
            onAdd={() => onChange({ ...c, parameters: [...(c.parameters ?? []), ""] })}
            onRemove={(i) => onChange({ ...c, parameters: removeAt(c.parameters ?? [], i) })}
            render={(p, i) => (
              <CountedField label={`{{${i + 1}}}`} value={p} max={MAX_INTERACTIVE_BODY} onChange={(v) => onChange({ ...c, parameters: setAt(c.parameters ?? [], i, v) })} />
            )}
          />
        </>
      ) : null}
      {c.type === "buttons" ? (
        <>
          <CountedField multiline label={t("automation.message.text")} value={c.text} max={MAX_INTERACTIVE_BODY} hint={<TemplateHint />} onChange={(text) => onChange({ ...c, text })} />
          <p className="text-sm font-medium text-slate-700">{t("automation.message.buttons")}</p>
          <LimitedList
            items={c.buttons}
            max={MAX_BUTTONS}
            addLabel={t("automation.message.addButton")}
            removeLabel={(i) => t("automation.message.removeButton", { n: i + 1 })}
            onAdd={() => onChange({ ...c, buttons: [...c.buttons, { id: nextId("b", c.buttons.map((b) => b.id)), title: "" }] })}
            onRemove={(i) => onChange({ ...c, buttons: removeAt(c.buttons, i) })}
            render={(b, i) => (
              <CountedField label={t("automation.message.buttonTitle", { n: i + 1 })} value={b.title} max={MAX_BUTTON_TITLE} onChange={(title) => onChange({ ...c, buttons: setAt(c.buttons, i, { ...b, title }) })} />
            )}
          />
          <p className="pt-2 text-xs text-slate-500">{t("automation.message.buttonsHint")}</p>
        </>
      ) : null}
      {c.type === "list" ? (
        <>
          <CountedField multiline label={t("automation.message.text")} value={c.text} max={MAX_INTERACTIVE_BODY} hint={<TemplateHint />} onChange={(text) => onChange({ ...c, text })} />
          <CountedField label={t("automation.message.listButton")} value={c.button} max={MAX_LIST_BUTTON} onChange={(button) => onChange({ ...c, button })} />
          <p className="text-sm font-medium text-slate-700">{t("automation.message.rows")}</p>
          <LimitedList
            items={c.rows}
            max={MAX_LIST_ROWS}
            addLabel={t("automation.message.addRow")}
            removeLabel={(i) => t("automation.message.removeRow", { n: i + 1 })}
            onAdd={() => onChange({ ...c, rows: [...c.rows, { id: nextId("r", c.rows.map((r) => r.id)), title: "" }] })}
            onRemove={(i) => onChange({ ...c, rows: removeAt(c.rows, i) })}
            render={(r, i) => (
              <>
                <CountedField label={t("automation.message.rowTitle", { n: i + 1 })} value={r.title} max={MAX_ROW_TITLE} onChange={(title) => onChange({ ...c, rows: setAt(c.rows, i, { ...r, title }) })} />
                <CountedField
                  label={t("automation.message.rowDescription")}
                  value={r.description ?? ""}
                  max={MAX_ROW_DESCRIPTION}
                  onChange={(v) => onChange({ ...c, rows: setAt(c.rows, i, { ...r, description: optional(v) }) })}
                />
              </>
            )}
          />
        </>
      ) : null}
    </div>
  );
}
