import { AlertCircle, Check, CheckCheck, Clock3 } from "lucide-react";
import { useTranslation } from "react-i18next";

import type { Message } from "../../../inbox/queries";
import { cn } from "../../../lib/cn";
import { failureReason, tickOf } from "./timeline";

/** An outbound message's state: clock, ✓, ✓✓, blue ✓✓, or red for a failure (with its reason). */
export function Ticks({ message }: { message: Message }) {
  const { t } = useTranslation();
  const tick = tickOf(message);
  if (!tick) return null;
  const label = {
    queued: t("chat.ticks.queued"),
    sent: t("chat.ticks.sent"),
    delivered: t("chat.ticks.delivered"),
    read: t("chat.ticks.read"),
    failed: t("chat.ticks.failed", { reason: failureReason(message) || t("chat.ticks.noReason") }),
  }[tick];
  const Icon = { queued: Clock3, sent: Check, delivered: CheckCheck, read: CheckCheck, failed: AlertCircle }[tick];
  return (
    <span
      data-testid="ticks"
      data-tick={tick}
      role="img"
      aria-label={label}
      title={label}
      className={cn("inline-flex shrink-0", tick === "read" ? "text-sky-500" : tick === "failed" ? "text-red-600" : "text-slate-500")}
    >
      <Icon aria-hidden className={tick === "queued" ? "size-3.5" : "size-4"} />
    </span>
  );
}
