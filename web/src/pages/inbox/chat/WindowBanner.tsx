// In place of the text input when WhatsApp's 24-hour window is closed: only templates can go.

import { Clock, LayoutTemplate } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Button } from "../../../components/ui/Button";

export function WindowBanner({ onOpenTemplates, canTemplate }: { onOpenTemplates: () => void; canTemplate: boolean }) {
  const { t } = useTranslation();
  return (
    <div data-testid="window-closed-banner" role="status" className="flex flex-col gap-2 rounded-xl bg-amber-50 px-3 py-2.5 ring-1 ring-amber-200 sm:flex-row sm:items-center">
      <p className="flex min-w-0 flex-1 items-start gap-2 text-sm text-amber-900">
        <Clock aria-hidden className="mt-0.5 size-4 shrink-0" />
        <span>{t("chat.window.closed")}</span>
      </p>
      {canTemplate ? (
        <Button data-testid="template-open" size="sm" icon={<LayoutTemplate aria-hidden className="size-4" />} onClick={onOpenTemplates} className="self-end sm:self-auto">
          {t("chat.window.sendTemplate")}
        </Button>
      ) : null}
    </div>
  );
}

/** "Janela fecha em 3 h" ("3 h" alone on phones): shown in the composer when it closes soon. */
export function WindowCountdown({ text, short }: { text: string; short: string }) {
  return (
    <span role="timer" aria-label={text} title={text} className="inline-flex min-w-0 shrink-0 items-center gap-1 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-amber-900">
      <Clock aria-hidden className="size-3.5 shrink-0" />
      <span aria-hidden className="sm:hidden">{short}</span>
      <span aria-hidden className="hidden sm:inline">{text}</span>
    </span>
  );
}
