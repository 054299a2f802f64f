import { AlertTriangle } from "lucide-react";
import { useTranslation } from "react-i18next";

import { placeholdersIn } from "./quickReplyVars";

/**
 * Above the composer while the text still holds `{{…}}` placeholders (an unknown variable of a
 * quick reply, or one without a value for this contact): the agent fills them in before sending,
 * so a customer never receives "Olá {{nome}}". It warns and does not block: braces may be meant.
 */
export function PlaceholderWarning({ text }: { text: string }) {
  const { t } = useTranslation();
  const left = placeholdersIn(text);
  if (left.length === 0) return null;
  return (
    <p role="status" data-testid="composer-placeholders" className="mb-1.5 flex items-start gap-1.5 rounded-lg bg-amber-50 px-2.5 py-1.5 text-xs text-amber-900 ring-1 ring-amber-200">
      <AlertTriangle aria-hidden className="mt-px size-3.5 shrink-0" />
      <span className="min-w-0 [overflow-wrap:anywhere]">{t("inboxlist.quickReplies.unfilled", { names: left.join(", "), interpolation: { escapeValue: false } })}</span>
    </p>
  );
}
