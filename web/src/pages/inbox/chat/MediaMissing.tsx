// An inbound file we do not have: what it was (type, name, format), why it is missing, and "Tentar novamente" (the server downloads it again as a job; `message.updated`
// brings the outcome, so the "baixando…" state ends by itself).

import { AlertTriangle, FileText, Film, Image as ImageIcon, Mic, RotateCcw, Sticker } from "lucide-react";
import { useTranslation } from "react-i18next";

import { Button } from "../../../components/ui/Button";
import { toast } from "../../../components/ui/Toaster";
import { useRetryMedia } from "../../../inbox/queries";
import type { Message } from "../../../inbox/queries";
import { cn } from "../../../lib/cn";
import { useChatError } from "./send";

/** The reason the server stored, and whether a new download is queued. */
export function mediaError(m: Message): { code: string; retrying: boolean } | null {
  const e = m.payload?.media_error;
  if (!e || typeof e !== "object") return null;
  const r = e as Record<string, unknown>;
  return { code: typeof r.code === "string" ? r.code : "media_unavailable", retrying: r.retrying === true };
}

const ICONS = { image: ImageIcon, sticker: Sticker, audio: Mic, video: Film, document: FileText } as const;
type MediaType = keyof typeof ICONS;

function isMediaType(t: string): t is MediaType {
  return t in ICONS;
}

/** "PDF" from "application/pdf", "JPEG" from "image/jpeg". */
export function formatLabel(mime: string | null | undefined): string | null {
  const sub = mime?.split(";")[0]?.split("/")[1]?.trim();
  return sub ? sub.replace(/^x-/, "").toUpperCase() : null;
}

export function MediaMissing({ m }: { m: Message }) {
  const { t } = useTranslation();
  const errorText = useChatError();
  const retry = useRetryMedia(m.conversation_id);
  const error = mediaError(m);
  const type: MediaType = isMediaType(m.type) ? m.type : "document";
  const Icon = ICONS[type];
  const name = m.media?.file_name || t(`chat.media.${type}`);
  const format = formatLabel(m.media?.mime);
  const retrying = error?.retrying === true || retry.isPending;
  // Too large stays too large: asking again cannot help.
  const canRetry = error !== null && error.code !== "media_too_large";
  const reason = !error
    ? t("chat.media.unavailable")
    : error.code === "media_too_large"
      ? t("chat.media.tooLarge")
      : error.code === "media_checksum"
        ? t("chat.media.corrupt")
        : t("chat.media.failed");
  return (
    <div data-testid="media-missing">
      <div className="flex min-w-0 items-center gap-3 rounded-md bg-black/5 p-2">
        <Icon aria-hidden className="size-8 shrink-0 text-slate-400" />
        <span className="min-w-0 flex-1">
          <span className="block text-sm font-medium [overflow-wrap:anywhere]">{name}</span>
          <span className="block text-xs text-slate-500">{[m.media?.file_name ? t(`chat.media.${type}`) : null, format].filter(Boolean).join(" · ")}</span>
        </span>
      </div>
      <p className="mt-1 flex items-center gap-1.5 text-xs text-amber-800">
        <AlertTriangle aria-hidden className="size-3.5 shrink-0" />
        <span>{retrying ? t("chat.media.retrying") : reason}</span>
      </p>
      {canRetry ? (
        <Button
          variant="secondary"
          size="sm"
          className="mt-1"
          data-testid="media-retry"
          disabled={retrying}
          icon={<RotateCcw aria-hidden className={cn("size-3.5", retrying && "animate-spin")} />}
          onClick={() => retry.mutate(m.id, { onError: (e) => toast.error(errorText(e)) })}
        >
          {t("chat.media.retry")}
        </Button>
      ) : null}
    </div>
  );
}
