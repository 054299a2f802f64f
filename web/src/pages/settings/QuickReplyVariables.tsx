import { useTranslation } from "react-i18next";

import { QUICK_REPLY_VARIABLES, SAMPLE_CONTEXT, expandVariables, placeholder } from "../inbox/chat/quickReplyVars";
import type { QuickReplyVariable } from "../inbox/chat/quickReplyVars";

/** Translation key of a variable's description (`contact.name` → `contact_name`: keys hold no dots). */
const DESCRIPTION = {
  "contact.name": "inboxlist.quickReplies.vars.contact_name",
  "contact.first_name": "inboxlist.quickReplies.vars.contact_first_name",
  "contact.phone": "inboxlist.quickReplies.vars.contact_phone",
  "agent.name": "inboxlist.quickReplies.vars.agent_name",
  "agent.first_name": "inboxlist.quickReplies.vars.agent_first_name",
  "tenant.name": "inboxlist.quickReplies.vars.tenant_name",
} as const satisfies Record<QuickReplyVariable, string>;

/**
 * Under the reply's text in the form: the variables (a click inserts one at the cursor), and a
 * live preview with sample values; unknown placeholders are named (the composer will ask the
 * agent to fill them in).
 */
export function QuickReplyVariables({ content, onInsert }: { content: string; onInsert: (placeholder: string) => void }) {
  const { t } = useTranslation();
  const preview = expandVariables(content, SAMPLE_CONTEXT);
  return (
    <div className="mb-3 space-y-2 text-xs text-slate-600">
      <div>
        <p className="mb-1">{t("inboxlist.quickReplies.variablesHint")}</p>
        <ul className="flex flex-wrap gap-1.5" data-testid="qr-variables">
          {QUICK_REPLY_VARIABLES.map((v) => (
            <li key={v}>
              <button
                type="button"
                title={t(DESCRIPTION[v])}
                onClick={() => onInsert(placeholder(v))}
                className="rounded-md bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-800 ring-1 ring-slate-200 hover:bg-brand-50"
              >
                {placeholder(v)}
              </button>
              <span className="sr-only"> {t(DESCRIPTION[v])}</span>
            </li>
          ))}
        </ul>
      </div>
      {content.trim() ? (
        <div>
          <p className="mb-1 font-medium text-slate-700">{t("inboxlist.quickReplies.preview")}</p>
          <p data-testid="qr-preview" className="rounded-lg bg-[#d9fdd3] px-3 py-2 text-sm whitespace-pre-line text-slate-900 [overflow-wrap:anywhere]">
            {preview.text}
          </p>
          {preview.unknown.length > 0 ? (
            <p role="status" data-testid="qr-unknown" className="mt-1 text-amber-800">
              {t("inboxlist.quickReplies.unknown", { names: preview.unknown.join(", "), interpolation: { escapeValue: false } })}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
