// The "turn on notifications" bar of the list header: browsers only show their permission prompt
// after a user gesture, so the agent is asked with a button instead of on page load.

import { BellRing, X } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Button } from "../components/ui/Button";
import { useAttention } from "./attentionState";

export function NotificationBar() {
  const { t } = useTranslation();
  const show = useAttention((s) => s.permission === "default" && s.notify && !s.barDismissed);
  const request = useAttention((s) => s.requestPermission);
  const dismiss = useAttention((s) => s.dismissBar);
  if (!show) return null;
  return (
    <div className="flex items-center gap-2 border-b border-sky-100 bg-sky-50 px-3 py-2 text-sm text-sky-900">
      <BellRing aria-hidden className="size-4 shrink-0" />
      <p className="min-w-0 flex-1 leading-tight">{t("conv.attention.barText")}</p>
      <Button size="sm" variant="secondary" onClick={() => void request()}>
        {t("conv.attention.enable")}
      </Button>
      <button type="button" onClick={dismiss} aria-label={t("conv.attention.dismiss")} title={t("conv.attention.dismiss")} className="rounded p-1 text-sky-700 hover:bg-sky-100">
        <X aria-hidden className="size-4" />
      </button>
    </div>
  );
}
