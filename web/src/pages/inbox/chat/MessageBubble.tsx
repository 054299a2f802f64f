// One message as a bubble: inbound left and white, outbound right and green, notes amber and
// labelled; the quote it replies to, its content, time, ticks, reactions and a failure's retry.

import { Forward, Lock, RotateCcw } from "lucide-react";
import { memo } from "react";
import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import type { Message } from "../../../inbox/queries";
import { cn } from "../../../lib/cn";
import { formatDateTime } from "../../../lib/format";
import { BubbleMenu } from "./BubbleMenu";
import { useBubbleEnv } from "./bubbleContext";
import { MessageContent } from "./MessageContent";
import { systemText } from "./system";
import { Ticks } from "./Ticks";
import type { ReactionGroup } from "./timeline";
import { authorKey, failureReason, messageTime, snippetOf, tickOf, timeOf } from "./timeline";

function Quote({ id }: { id: string }) {
  const { t } = useTranslation();
  const env = useBubbleEnv();
  const q = env.byId.get(id);
  const who = q ? (q.direction === "inbound" ? env.nameOf("contact") : env.nameOf(authorKey(q))) : "";
  return (
    <button
      type="button"
      onClick={() => env.jump(id)}
      className="mb-1 block w-full min-w-0 rounded-md border-l-4 border-brand-600 bg-black/5 px-2 py-1 text-left hover:bg-black/10"
    >
      {who ? <span className="block truncate text-xs font-semibold text-brand-800">{who}</span> : null}
      <span className="line-clamp-2 text-xs text-slate-600 [overflow-wrap:anywhere]">{q ? snippetOf(q) || t("chat.quote.media") : t("chat.quote.unloaded")}</span>
      <span className="sr-only">{t("chat.quote.goTo")}</span>
    </button>
  );
}

function Reactions({ message, groups }: { message: Message; groups: ReactionGroup[] }) {
  const { t } = useTranslation();
  const env = useBubbleEnv();
  if (groups.length === 0) return null;
  const mine = groups.find((g) => env.me && g.who.includes(env.me))?.emoji ?? null;
  return (
    <ul aria-label={t("chat.reactions.label")} className={cn("relative z-[1] -mt-1.5 flex flex-wrap gap-1", message.direction === "outbound" ? "justify-end pr-2" : "pl-2")}>
      {groups.map((g) => {
        const names = g.who.map(env.nameOf).join(", ");
        const label = t("chat.reactions.by", { emoji: g.emoji, names });
        const badge = (
          <>
            <span aria-hidden>{g.emoji}</span>
            {g.who.length > 1 ? <span aria-hidden className="text-xs text-slate-600">{g.who.length}</span> : null}
          </>
        );
        const cls = cn("inline-flex h-6 items-center gap-0.5 rounded-full bg-white px-1.5 text-sm shadow-sm ring-1 ring-slate-200", mine === g.emoji && "ring-brand-500");
        return (
          <li key={g.emoji}>
            {mine === g.emoji && env.canAct ? (
              <button type="button" className={cls} title={label} aria-label={`${label}. ${t("chat.actions.unreact", { emoji: g.emoji })}`} onClick={() => env.react(message, null)}>
                {badge}
              </button>
            ) : (
              <span className={cls} title={label} role="img" aria-label={label}>
                {badge}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function Failure({ message }: { message: Message }) {
  const { t } = useTranslation();
  const env = useBubbleEnv();
  return (
    <div role="alert" className="mt-1 flex flex-wrap items-center justify-end gap-x-2 gap-y-1 border-t border-red-200 pt-1 text-xs text-red-700">
      <span className="min-w-0 [overflow-wrap:anywhere]">{t("chat.ticks.failed", { reason: failureReason(message) || t("chat.ticks.noReason") })}</span>
      {env.canAct ? (
        <button
          type="button"
          data-testid="message-retry"
          disabled={env.retrying === message.id}
          onClick={() => env.retry(message.id)}
          className="inline-flex items-center gap-1 rounded-md bg-white px-2 py-0.5 font-medium text-red-700 ring-1 ring-red-300 hover:bg-red-50 disabled:opacity-60"
        >
          <RotateCcw aria-hidden className={cn("size-3.5", env.retrying === message.id && "animate-spin")} />
          {t("chat.actions.retry")}
        </button>
      ) : null}
    </div>
  );
}

/** Memoized: the list re-renders on scroll state and highlights, bubbles only when theirs change. */
export const MessageBubble = memo(function MessageBubble({ message: m, reactions, continued, highlighted }: { message: Message; reactions: ReactionGroup[]; continued: boolean; highlighted: boolean }) {
  const { t, i18n } = useTranslation();
  const env = useBubbleEnv();
  const out = m.direction === "outbound";
  const note = m.is_private_note;
  const sticker = m.type === "sticker" && !m.reply_to_id;
  const mine = reactions.find((g) => env.me && g.who.includes(env.me))?.emoji ?? null;
  const author = out && !continued ? (m.author === "bot" ? t("chat.author.bot") : env.nameOf(authorKey(m))) : "";
  return (
    <div
      id={`message-${m.id}`}
      data-testid="message"
      data-message-id={m.id}
      data-direction={out ? "outbound" : "inbound"}
      data-status={m.status ?? ""}
      data-note={note ? "true" : undefined}
      className={cn("flex flex-col px-3 sm:px-6", out ? "items-end" : "items-start", continued ? "mt-0.5" : "mt-2")}
    >
      <BubbleMenu
        message={m}
        mine={mine}
        className={cn(
          "group relative max-w-[85%] min-w-0 rounded-lg px-2.5 pt-1.5 pb-1 shadow-[0_1px_0.5px_rgba(11,20,26,0.13)] transition-shadow duration-500 sm:max-w-[70%] lg:max-w-[62%]",
          note ? "bg-amber-50 ring-1 ring-amber-300" : out ? "bg-[#d9fdd3]" : "bg-white",
          sticker && "bg-transparent shadow-none ring-0",
          !continued && (out ? "rounded-tr-none" : "rounded-tl-none"),
          highlighted && "ring-4 ring-sky-300",
        )}
      >
        {note ? (
          <p className="mb-0.5 flex items-center gap-1 pr-5 text-xs font-semibold text-amber-800">
            <Lock aria-hidden className="size-3" />
            {t("chat.note.label")}
            {author ? <span className="font-normal text-amber-700">· {author}</span> : null}
          </p>
        ) : author ? (
          <p className="mb-0.5 truncate pr-5 text-xs font-semibold text-brand-800">{author}</p>
        ) : null}
        {m.payload?.forwarded === true ? (
          <p className="mb-0.5 flex items-center gap-1 text-xs text-slate-500 italic">
            <Forward aria-hidden className="size-3" />
            {t("chat.forwarded")}
          </p>
        ) : null}
        {m.reply_to_id ? <Quote id={m.reply_to_id} /> : null}
        <MessageContent message={m} />
        <div className="mt-0.5 flex items-center justify-end gap-1 text-[0.6875rem] leading-none text-slate-500">
          <time dateTime={messageTime(m)} title={formatDateTime(messageTime(m))}>
            {timeOf(messageTime(m), i18n.language)}
          </time>
          <Ticks message={m} />
        </div>
        {tickOf(m) === "failed" ? <Failure message={m} /> : null}
      </BubbleMenu>
      <Reactions message={m} groups={reactions} />
    </div>
  );
});

/** A provider or system notice, centered. */
export const SystemNotice = memo(function SystemNotice({ message }: { message: Message }) {
  const { t } = useTranslation();
  const { directory } = useBubbleEnv();
  return (
    <div data-testid="system-message" className="my-2 flex justify-center px-6">
      <p className="max-w-md rounded-lg bg-sky-50 px-3 py-1 text-center text-xs text-slate-700 shadow-xs [overflow-wrap:anywhere]">{systemText(message, directory, t as unknown as Translate)}</p>
    </div>
  );
});
