// The list under a `/` command in the composer: a listbox driven from the textarea (arrows move,
// Enter or Tab inserts, Escape closes), also clickable.

import { useTranslation } from "react-i18next";

import { cn } from "../../../lib/cn";
import type { QuickReply } from "./quickReplies";

export const QUICK_REPLY_LIST_ID = "composer-quick-replies";

export function quickReplyOptionId(id: string): string {
  return `quick-reply-${id}`;
}

export function QuickReplyPopup({ items, active, loading, onPick, onHover }: { items: QuickReply[]; active: number; loading: boolean; onPick: (r: QuickReply) => void; onHover: (i: number) => void }) {
  const { t } = useTranslation();
  return (
    <div className="absolute inset-x-0 bottom-full z-30 mb-2 overflow-hidden rounded-xl bg-white shadow-xl ring-1 ring-slate-200">
      <p className="border-b border-slate-100 px-3 py-1.5 text-xs font-medium text-slate-500">{t("chat.quickReplies.title")}</p>
      {items.length === 0 ? (
        <p className="px-3 py-3 text-sm text-slate-500">{loading ? t("common.loading") : t("chat.quickReplies.none")}</p>
      ) : (
        <ul id={QUICK_REPLY_LIST_ID} role="listbox" aria-label={t("chat.quickReplies.title")} className="max-h-64 overflow-y-auto py-1">
          {items.map((r, i) => (
            <li
              key={r.id}
              id={quickReplyOptionId(r.id)}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => onPick(r)}
              onMouseEnter={() => onHover(i)}
              className={cn("cursor-pointer px-3 py-2", i === active ? "bg-brand-50" : "hover:bg-slate-50")}
            >
              <p className="flex min-w-0 items-baseline gap-2">
                <span className="shrink-0 font-mono text-sm font-medium text-brand-800">{r.shortcut}</span>
                <span className="truncate text-sm text-slate-800">{r.title}</span>
              </p>
              <p className="line-clamp-2 text-xs text-slate-500 [overflow-wrap:anywhere]">{r.content}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
