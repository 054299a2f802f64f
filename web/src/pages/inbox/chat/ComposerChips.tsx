// What sits above the composer's input: the message being replied to and the attached files.

import { AlertCircle, File as FileIcon, Reply, RotateCcw, X } from "lucide-react";
import { useTranslation } from "react-i18next";

import { IconButton } from "../../../components/ui/Button";
import type { Message } from "../../../inbox/queries";
import { useApiError } from "../../../lib/useApiError";
import { formatBytes } from "./text";
import { snippetOf } from "./timeline";
import type { Upload, Uploads } from "./uploads";

export function ReplyChip({ message, name, onCancel }: { message: Message; name: string; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="mb-2 flex items-center gap-2 rounded-lg border-l-4 border-brand-600 bg-white py-1 pr-1 pl-3 shadow-xs">
      <Reply aria-hidden className="size-4 shrink-0 text-brand-700" />
      <div className="min-w-0 flex-1">
        <p className="truncate text-xs font-semibold text-brand-800">{t("chat.reply.to", { name })}</p>
        <p className="truncate text-sm text-slate-600">{snippetOf(message) || t("chat.quote.media")}</p>
      </div>
      <IconButton label={t("chat.reply.cancel")} icon={<X aria-hidden className="size-4" />} onClick={onCancel} className="size-8" />
    </div>
  );
}

function UploadChip({ u, uploads }: { u: Upload; uploads: Uploads }) {
  const { t, i18n } = useTranslation();
  const { message } = useApiError();
  const pct = Math.round(u.progress * 100);
  return (
    <li className="flex w-56 max-w-full min-w-0 items-center gap-2 rounded-lg bg-white py-1.5 pr-1 pl-2 shadow-xs ring-1 ring-slate-200">
      {u.state === "error" ? <AlertCircle aria-hidden className="size-5 shrink-0 text-red-600" /> : <FileIcon aria-hidden className="size-5 shrink-0 text-slate-500" />}
      <div className="min-w-0 flex-1">
        <p className="truncate text-xs font-medium text-slate-800" title={u.file.name}>
          {u.file.name}
        </p>
        {u.state === "error" ? (
          <p className="truncate text-xs text-red-700" title={message(u.error)}>
            {message(u.error)}
          </p>
        ) : u.state === "uploading" ? (
          <div role="progressbar" aria-label={t("chat.upload.progress", { name: u.file.name })} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="mt-1 h-1 overflow-hidden rounded bg-slate-200">
            <div className="h-full bg-brand-600 transition-[width]" style={{ width: `${Math.max(4, pct)}%` }} />
          </div>
        ) : (
          <p className="text-xs text-slate-500">{formatBytes(u.file.size, i18n.language)}</p>
        )}
      </div>
      {u.state === "error" ? <IconButton label={t("chat.upload.retry", { name: u.file.name })} icon={<RotateCcw aria-hidden className="size-4" />} onClick={() => uploads.retry(u)} className="size-7" /> : null}
      <IconButton label={t("chat.upload.remove", { name: u.file.name })} icon={<X aria-hidden className="size-4" />} onClick={() => uploads.remove(u.id)} className="size-7" />
    </li>
  );
}

export function UploadChips({ uploads }: { uploads: Uploads }) {
  const { t } = useTranslation();
  if (uploads.items.length === 0) return null;
  return (
    <ul aria-label={t("chat.upload.label")} className="mb-2 flex flex-wrap gap-2">
      {uploads.items.map((u) => (
        <UploadChip key={u.id} u={u} uploads={uploads} />
      ))}
    </ul>
  );
}
