// The channel card's degraded state: an "Instável" badge next to the status and a line with the
// provider's last error and how long ago ("Instável — <erro> há 3 min").

import { useTranslation } from "react-i18next";

import type { Translate } from "../../api/errors";
import { Badge } from "../../components/ui/Page";
import { useNow } from "../inbox/chat/hooks";
import type { ChannelHealthView } from "./channelHealth";
import { degradedLabel, isDegraded } from "./channelHealth";

export function ChannelHealthBadge({ channel }: { channel: ChannelHealthView }) {
  const { t } = useTranslation();
  if (!isDegraded(channel)) return null;
  return <Badge tone="amber">{t("channels.health.degraded")}</Badge>;
}

export function ChannelHealthLine({ channel }: { channel: ChannelHealthView }) {
  const { t, i18n } = useTranslation();
  const degraded = isDegraded(channel);
  const now = useNow(30_000, degraded);
  const label = degradedLabel(t as unknown as Translate, channel, now, i18n.language);
  if (!label) return null;
  return (
    <p data-testid="channel-degraded" className="mt-1 text-xs text-amber-800">
      {label}
    </p>
  );
}
