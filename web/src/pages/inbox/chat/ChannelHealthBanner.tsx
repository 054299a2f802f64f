// Above the thread when the conversation's channel is degraded (its last send failed for a reason
// of the channel: WhatsApp's throughput limit, Graph down, the account blocked), so the agent knows
// why a reply sits in "Enviando". The channel list (a shared lookup) is refetched whenever an
// outbound message of this thread changes status — what a send that failed or went through
// does, and what clears the state — and every minute while a reply waits in the queue (a
// throttled send is retried later without a status change).

import { useQueryClient } from "@tanstack/react-query";
import { AlertTriangle } from "lucide-react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import { useMessages } from "../../../inbox/queries";
import { ago, errorText, isDegraded } from "../../settings/channelHealth";
import { useChannel, useNow } from "./hooks";

const WAITING_REFRESH_MS = 60_000;

/** The statuses of this thread's newest outbound messages, as one string that changes with them. */
function useOutboundSignature(conversationId: string): { signature: string; waiting: boolean } {
  const pages = useMessages(conversationId).data?.pages;
  const outbound = (pages?.[0]?.items ?? []).filter((m) => m.direction === "outbound" && !m.is_private_note).slice(0, 20);
  return {
    signature: outbound.map((m) => `${m.id}:${m.status ?? ""}`).join(","),
    waiting: outbound.some((m) => m.status === "queued"),
  };
}

export function ChannelHealthBanner({ conversationId, channelId }: { conversationId: string; channelId: string | undefined }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const channel = useChannel(channelId).data;
  const { signature, waiting } = useOutboundSignature(conversationId);
  const degraded = isDegraded(channel);
  const now = useNow(30_000, degraded);

  useEffect(() => {
    if (signature) void qc.invalidateQueries({ queryKey: ["channels"] });
  }, [signature, qc]);
  useEffect(() => {
    if (!waiting && !degraded) return;
    const h = setInterval(() => void qc.invalidateQueries({ queryKey: ["channels"] }), WAITING_REFRESH_MS);
    return () => clearInterval(h);
  }, [waiting, degraded, qc]);

  if (!channel || !degraded || !channel.provider_error) return null;
  const e = channel.provider_error;
  return (
    <div data-testid="channel-health-banner" role="status" className="flex items-start gap-2 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
      <AlertTriangle aria-hidden className="mt-0.5 size-4 shrink-0" />
      <span>{t("channels.health.banner", { name: channel.name, error: errorText(t as unknown as Translate, e), ago: ago(e.at, now, i18n.language) })}</span>
    </div>
  );
}
