// The conversation's messages, oldest at the top. Older pages load when the top comes into view,
// without moving what the agent reads (the scroll offset is restored after the prepend); the view
// sticks to the bottom while the agent is there, else a pill counts what arrived below.

import { ArrowDown, MessagesSquare } from "lucide-react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { Spinner } from "../../../components/ui/States";
import { EmptyState, ErrorState } from "../../../components/ui/States";
import { toast } from "../../../components/ui/Toaster";
import { chronological, useMessages, useRetryMessage } from "../../../inbox/queries";
import type { Conversation, Message } from "../../../inbox/queries";
import { BubbleContext } from "./bubbleContext";
import type { BubbleEnv } from "./bubbleContext";
import { useDirectory, useNameOf, useNow } from "./hooks";
import { MessageBubble, SystemNotice } from "./MessageBubble";
import { useChatError, useChatSend } from "./send";
import { buildTimeline, dayLabel } from "./timeline";
import type { TimelineItem } from "./timeline";

/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 80;
/** A quote's original is looked for this many older pages back at most. */
export const JUMP_MAX_PAGES = 15;
const HIGHLIGHT_MS = 1_600;

function nextFrame(): Promise<void> {
  return new Promise((r) => (typeof requestAnimationFrame === "function" ? requestAnimationFrame(() => r()) : setTimeout(r, 16)));
}

function DaySeparator({ label }: { label: string }) {
  return (
    <div role="separator" aria-label={label} className="pointer-events-none my-3 flex justify-center">
      <span className="rounded-lg bg-white px-3 py-1 text-xs font-medium text-slate-600 shadow-xs">{label}</span>
    </div>
  );
}

/** The timeline cut into days (each item after its day's separator). */
function byDay(items: TimelineItem[]): Array<{ key: string; day: string; items: TimelineItem[] }> {
  const out: Array<{ key: string; day: string; items: TimelineItem[] }> = [];
  for (const it of items) {
    if (it.kind === "day") out.push({ key: it.key, day: it.day, items: [] });
    else out.at(-1)?.items.push(it);
  }
  return out;
}

interface Props {
  conversation: Conversation;
  me: string | null;
  canAct: boolean;
  onReply: (m: Message) => void;
}

export function MessageList({ conversation, me, canAct, onReply }: Props) {
  const { t, i18n } = useTranslation();
  const q = useMessages(conversation.id);
  const { data, fetchNextPage, hasNextPage, isFetchingNextPage } = q;
  // The parts used, not the whole (new every render) mutation result: the context stays put.
  const { mutate: retryMessage, isPending: retryPending, variables: retryVariables } = useRetryMessage(conversation.id);
  const directory = useDirectory();
  const { send } = useChatSend(conversation.id);
  const errorText = useChatError();
  const nameOf = useNameOf(conversation.contact.name);
  const now = useNow(60_000);

  const messages = useMemo(() => chronological(data), [data]);
  const days = useMemo(() => byDay(buildTimeline(messages)), [messages]);
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);

  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  /** The newest message when the agent scrolled up: what came after it is "new". */
  const [leftAt, setLeftAt] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  /** Where the view was at the last scroll or resize: the reference for a prepend. */
  const last = useRef<{ first: string | null; end: string | null; top: number; height: number } | null>(null);

  const loaded = data !== undefined;
  const firstId = messages[0]?.id ?? null;
  const lastMessage = messages.at(-1) ?? null;

  const record = useCallback(() => {
    const el = scroller.current;
    if (el && last.current) last.current = { ...last.current, top: el.scrollTop, height: el.scrollHeight };
  }, []);

  const toBottom = useCallback((smooth = false) => {
    const el = scroller.current;
    if (!el) return;
    if (smooth && typeof el.scrollTo === "function") el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
    else el.scrollTop = el.scrollHeight;
  }, []);

  // Place the view after the messages changed, before the browser paints.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const prev = last.current;
    const end = lastMessage?.id ?? null;
    if (!prev || prev.end === null) {
      el.scrollTop = el.scrollHeight;
    } else if (firstId !== prev.first && end === prev.end) {
      // Older messages went in above: keep the ones on screen where they were.
      el.scrollTop = prev.top + (el.scrollHeight - prev.height);
    } else if (end !== prev.end && lastMessage) {
      const ours = lastMessage.direction === "outbound" && !!me && lastMessage.author_user_id === me;
      if (atBottomRef.current || ours) el.scrollTop = el.scrollHeight;
    }
    last.current = { first: firstId, end, top: el.scrollTop, height: el.scrollHeight };
  }, [firstId, lastMessage, me]);

  // Images, reactions and the loader change the content's height, a growing composer the
  // scroller's own: stay at the bottom if there.
  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => {
      if (atBottomRef.current) el.scrollTop = el.scrollHeight;
      record();
    });
    ro.observe(inner);
    ro.observe(el);
    return () => ro.disconnect();
  }, [record, loaded]);

  // Load older pages when the top comes near (a new observer after each page re-checks).
  useEffect(() => {
    const el = sentinel.current;
    const root = scroller.current;
    if (!el || !root || !hasNextPage || isFetchingNextPage || typeof IntersectionObserver === "undefined") return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void fetchNextPage();
      },
      { root, rootMargin: "300px 0px 0px 0px" },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, firstId]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    record();
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    if (bottom === atBottomRef.current) return;
    atBottomRef.current = bottom;
    setAtBottom(bottom);
    setLeftAt(bottom ? null : (lastMessage?.id ?? null));
  };

  const jump = useCallback(
    async (id: string) => {
      atBottomRef.current = false;
      let current = data;
      let more = hasNextPage;
      for (let pages = 0; !chronological(current).some((m) => m.id === id) && more && pages < JUMP_MAX_PAGES; pages++) {
        const r = await fetchNextPage();
        current = r.data;
        more = r.hasNextPage;
      }
      if (!chronological(current).some((m) => m.id === id)) {
        toast.error(t("chat.quote.notFound"));
        return;
      }
      // The page may render a frame or two after it arrived.
      for (let i = 0; i < 20; i++) {
        const el = document.getElementById(`message-${id}`);
        const box = scroller.current;
        if (el && box) {
          // Leaving the bottom: growing content must not pull the view back down.
          atBottomRef.current = false;
          const far = Math.abs(el.getBoundingClientRect().top - box.getBoundingClientRect().top) > 2 * box.clientHeight;
          el.scrollIntoView?.({ block: "center", behavior: far ? "auto" : "smooth" });
          setHighlight(id);
          setTimeout(() => setHighlight((h) => (h === id ? null : h)), HIGHLIGHT_MS);
          return;
        }
        await nextFrame();
      }
    },
    [data, hasNextPage, fetchNextPage, t],
  );

  const env = useMemo<BubbleEnv>(
    () => ({
      me,
      canAct,
      byId,
      nameOf,
      reply: onReply,
      react: (m, emoji) => {
        send({ type: "reaction", message_id: m.id, emoji }).catch((e: unknown) => toast.error(errorText(e)));
      },
      jump: (id) => void jump(id),
      retry: (id) => retryMessage(id, { onError: (e) => toast.error(errorText(e)) }),
      retrying: retryPending ? (retryVariables ?? null) : null,
      directory,
    }),
    [me, canAct, byId, nameOf, onReply, send, errorText, jump, retryMessage, retryPending, retryVariables, directory],
  );

  if (q.isPending) {
    return (
      <div className="flex flex-1 items-center justify-center">
        <Spinner />
      </div>
    );
  }
  if (q.isError && !data) {
    return (
      <div className="flex-1 p-4">
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      </div>
    );
  }

  const dayText = (day: string) => dayLabel(day, new Date(now), i18n.language, { today: t("chat.day.today"), yesterday: t("chat.day.yesterday") });
  const unseen = !atBottom && leftAt !== null ? messages.slice(messages.findIndex((m) => m.id === leftAt) + 1).filter((m) => m.type !== "reaction").length : 0;

  return (
    <div className="relative min-h-0 flex-1">
      <div ref={scroller} onScroll={onScroll} role="log" aria-label={t("chat.listLabel")} tabIndex={0} className="absolute inset-0 overflow-x-hidden overflow-y-auto [overflow-anchor:none] focus-visible:outline-offset-[-2px]">
        <div ref={content} className="flex min-h-full flex-col justify-end pb-3">
          <div ref={sentinel} className="flex h-10 shrink-0 items-center justify-center">
            {isFetchingNextPage ? <Spinner label={t("chat.loadingOlder")} /> : !hasNextPage && messages.length > 0 ? <span className="text-xs text-slate-500">{t("chat.start")}</span> : null}
          </div>
          {messages.length === 0 ? (
            <div className="m-auto max-w-sm p-4">
              <EmptyState icon={<MessagesSquare aria-hidden />} title={t("chat.empty")} />
            </div>
          ) : null}
          <BubbleContext.Provider value={env}>
            {days.map((d) => (
              // One section per day, opened by its separator in the flow: a chip floating at the
              // top covered the bubble under it (issue 10); each bubble shows its own time.
              <section key={d.key}>
                <DaySeparator label={dayText(d.day)} />
                {d.items.map((it) =>
                  it.kind === "system" ? (
                    <SystemNotice key={it.key} message={it.message} />
                  ) : it.kind === "message" ? (
                    <MessageBubble key={it.key} message={it.message} reactions={it.reactions} continued={it.continued} highlighted={highlight === it.message.id} />
                  ) : null,
                )}
              </section>
            ))}
          </BubbleContext.Provider>
        </div>
      </div>
      {!atBottom ? (
        <button
          type="button"
          onClick={() => toBottom(true)}
          aria-label={unseen > 0 ? t("chat.newMessages", { count: unseen }) : t("chat.toBottom")}
          className="absolute right-4 bottom-3 z-10 inline-flex h-9 items-center gap-1.5 rounded-full bg-white px-3 text-sm font-medium text-slate-700 shadow-md ring-1 ring-slate-200 hover:bg-slate-50"
        >
          {unseen > 0 ? <span className="text-brand-700">{t("chat.newMessages", { count: unseen })}</span> : null}
          <ArrowDown aria-hidden className="size-4" />
        </button>
      ) : null}
    </div>
  );
}
