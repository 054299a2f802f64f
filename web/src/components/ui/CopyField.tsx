import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { IconButton } from "./Button";

/** A read-only value with a copy button. */
export function CopyField({ value, label, multiline = false }: { value: string; label: string; multiline?: boolean }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // Clipboard refused (insecure context): the value stays selectable.
    }
  };
  return (
    <div className={multiline ? "flex items-start gap-2" : "flex items-center gap-2"}>
      {multiline ? (
        <textarea
          readOnly
          aria-label={label}
          value={value}
          rows={3}
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 resize-none rounded-lg border-0 bg-slate-50 px-3 py-2 font-mono text-xs break-all text-slate-800 ring-1 ring-slate-300 ring-inset"
        />
      ) : (
        <input
          readOnly
          aria-label={label}
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className="h-10 min-w-0 flex-1 rounded-lg border-0 bg-slate-50 px-3 font-mono text-sm text-slate-800 ring-1 ring-slate-300 ring-inset"
        />
      )}
      <IconButton variant="secondary" label={copied ? t("common.copied") : t("common.copy")} icon={copied ? <Check aria-hidden className="size-4 text-brand-700" /> : <Copy aria-hidden className="size-4" />} onClick={() => void copy()} />
    </div>
  );
}
