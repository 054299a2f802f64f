import { Link } from "@tanstack/react-router";
import { memo, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import { canTake } from "../../../inbox/lifecycle";
import type { Conversation } from "../../../inbox/queries";
import { cn } from "../../../lib/cn";
import { formatDateTime } from "../../../lib/format";
import { useRole } from "../../../lib/me";
import { TakeButton } from "../chat/TakeButton";
import { DEFAULT_TAG_COLOR } from "../../settings/TagsPage";
import { Avatar, ChannelIcon, MediaIcon, PriorityFlag } from "./bits";
import { initials, listTime, mediaType, previewText } from "./format";

export interface RowProps {
  conversation: Conversation;
  selected: boolean;
  /** The list's clock (ticks every minute), for the relative time. */
  now: number;
  channel: { kind: string; name: string } | undefined;
  /** The assignee's name when it is someone else (shown as initials). */
  otherAssignee: string | undefined;
}

const MAX_TAGS = 2;

function Tags({ tags }: { tags: Conversation["tags"] }) {
  if (tags.length === 0) return null;
  const extra = tags.length - MAX_TAGS;
  return (
    <span className="flex min-w-0 items-center gap-1">
      {tags.slice(0, MAX_TAGS).map((tag) => (
        <span key={tag.id} className="inline-flex max-w-24 items-center gap-1 truncate rounded-full bg-slate-100 px-1.5 py-px text-[11px] text-slate-600">
          <span aria-hidden className="size-1.5 shrink-0 rounded-full" style={{ backgroundColor: tag.color ?? DEFAULT_TAG_COLOR }} />
          <span className="truncate">{tag.name}</span>
        </span>
      ))}
      {extra > 0 ? <span className="text-[11px] text-slate-500">+{extra}</span> : null}
    </span>
  );
}

/** One conversation of the list, WhatsApp style: who, when, the last message, what is unread. */
export const ConversationRow = memo(function ConversationRow({ conversation: c, selected, now, channel, otherAssignee }: RowProps) {
  const { t, i18n } = useTranslation();
  const ref = useRef<HTMLAnchorElement>(null);
  const unread = c.unread_count;
  const last = c.last_message;
  const media = last ? mediaType(last.type) : null;
  const preview = previewText(t as unknown as Translate, last);
  const role = useRole();
  const takeable = canTake(c, role);

  // Keyboard navigation may select a row below the fold.
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView?.({ block: "nearest" });
  }, [selected]);

  // "Atender" sits beside the link (a button inside an anchor is not valid HTML), over the
  // row's last line, which is kept for it.
  return (
    <div className="relative">
      <Link
        ref={ref}
        to="/inbox/$conversationId"
        params={{ conversationId: c.id }}
        data-testid="conversation-row"
        data-conversation-id={c.id}
        data-unread={unread}
        aria-current={selected ? "page" : undefined}
        className={cn(
          "flex gap-3 border-b border-slate-100 px-3 py-2.5 outline-none hover:bg-slate-50 focus-visible:bg-slate-100 focus-visible:ring-2 focus-visible:ring-brand-600 focus-visible:ring-inset",
          selected && "bg-brand-50 hover:bg-brand-50",
        )}
      >
        <Avatar id={c.contact.id} name={c.contact.name} />
        <span className="flex min-w-0 flex-1 flex-col gap-0.5">
          <span className="flex items-center gap-1.5">
            <span className={cn("truncate text-[15px] text-slate-900", unread > 0 ? "font-semibold" : "font-medium")}>{c.contact.name}</span>
            <ChannelIcon kind={channel?.kind} name={channel?.name} />
            <time dateTime={c.last_message_at} title={formatDateTime(c.last_message_at)} className={cn("ml-auto shrink-0 text-xs", unread > 0 ? "font-medium text-brand-700" : "text-slate-500")}>
              {listTime(c.last_message_at, now, i18n.language)}
            </time>
          </span>
          <span className="flex items-center gap-1.5">
            <span className={cn("flex min-w-0 flex-1 items-center gap-1 text-sm", unread > 0 ? "text-slate-800" : "text-slate-500")}>
              {media ? <MediaIcon type={media} /> : null}
              <span className="truncate">{preview || "\u00a0"}</span>
            </span>
            <PriorityFlag priority={c.priority} />
            {unread > 0 ? (
              <span className="flex h-5 min-w-5 shrink-0 items-center justify-center rounded-full bg-brand-600 px-1.5 text-[11px] font-semibold text-white">
                <span className="sr-only">{t("conv.list.unread", { count: unread })}</span>
                <span aria-hidden>{unread > 99 ? "99+" : unread}</span>
              </span>
            ) : null}
          </span>
          {c.tags.length > 0 || otherAssignee || takeable ? (
            <span className="flex items-center gap-1.5">
              <Tags tags={c.tags} />
              {takeable ? <span aria-hidden className="h-7" /> : null}
              {otherAssignee ? (
                <span
                  role="img"
                  aria-label={t("conv.list.assignedTo", { name: otherAssignee })}
                  title={t("conv.list.assignedTo", { name: otherAssignee })}
                  className="ml-auto flex size-5 shrink-0 items-center justify-center rounded-full bg-slate-200 text-[10px] font-semibold text-slate-700"
                >
                  {initials(otherAssignee)}
                </span>
              ) : null}
            </span>
          ) : null}
        </span>
      </Link>
      {takeable ? (
        <div className="absolute right-3 bottom-1.5">
          <TakeButton conversationId={c.id} compact />
        </div>
      ) : null}
    </div>
  );
});
