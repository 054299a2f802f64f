// Where the agent writes: text (Enter sends, Shift+Enter breaks the line), private notes, replies,
// emoji, files, `/` quick replies, and the templates button. Outside WhatsApp's window the input
// gives way to the banner, unless a note is being written (notes are never sent to the customer).

import { LayoutTemplate, Lock, Paperclip, SendHorizontal } from "lucide-react";
import type { ChangeEvent, KeyboardEvent } from "react";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { Button, IconButton } from "../../../components/ui/Button";
import type { Conversation, Message } from "../../../inbox/queries";
import { cn } from "../../../lib/cn";
import { useMe } from "../../../lib/me";
import { ReplyChip, UploadChips } from "./ComposerChips";
import { EmojiPicker } from "./EmojiPicker";
import { useNameOf, useNow, useQuickReplies, useTypingSender } from "./hooks";
import { QUICK_REPLY_LIST_ID, QuickReplyPopup, quickReplyOptionId } from "./QuickReplyPopup";
import { PlaceholderWarning } from "./PlaceholderWarning";
import { filterQuickReplies, slashQuery } from "./quickReplies";
import { expandVariables } from "./quickReplyVars";
import type { QuickReply } from "./quickReplies";
import { useChatError, useChatSend } from "./send";
import { authorKey } from "./timeline";
import type { Uploads } from "./uploads";
import { WindowBanner, WindowCountdown } from "./WindowBanner";
import { formatRemaining, windowState } from "./window";

/**
 * Unsent text per `userId:conversationId`, kept while the app is open (switching conversations
 * keeps it); another user signing in on the tab never sees it.
 */
const drafts = new Map<string, string>();

const MAX_INPUT_PX = 160;

export interface ComposerProps {
  conversation: Conversation;
  canSend: boolean;
  /** The channel has WhatsApp templates (the picker is offered). */
  templates: boolean;
  note: boolean;
  onNoteChange: (on: boolean) => void;
  replyTo: Message | null;
  onCancelReply: () => void;
  uploads: Uploads;
  onOpenTemplates: () => void;
  /** Opens the file chooser; the pane owns the input so drops and pastes share it. */
  onAttach: () => void;
}

export function Composer({ conversation, canSend, templates, note, onNoteChange, replyTo, onCancelReply, uploads, onOpenTemplates, onAttach }: ComposerProps) {
  const { t, i18n } = useTranslation();
  const id = conversation.id;
  const me = useMe().data;
  const draftKey = `${me?.user.id ?? ""}:${id}`;
  const [text, setText] = useState(() => drafts.get(draftKey) ?? "");
  const [error, setError] = useState<string | null>(null);
  const [qrActive, setQrActive] = useState(0);
  const [qrClosedFor, setQrClosedFor] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const { send, pending } = useChatSend(id);
  const errorText = useChatError();
  const typing = useTypingSender(id);
  const nameOf = useNameOf(conversation.contact.name);
  const now = useNow(30_000);
  const win = windowState(conversation, now);
  const closed = !win.open && !note;

  const slash = canSend && !closed ? slashQuery(text) : null;
  const replies = useQuickReplies(slash !== null);
  const qrOpen = slash !== null && qrClosedFor !== text;
  const matches = qrOpen ? filterQuickReplies(replies.data?.items ?? [], slash) : [];
  const active = Math.min(qrActive, Math.max(0, matches.length - 1));

  const ready = uploads.items.filter((u) => u.state === "ready" && u.attachment);
  const canSubmit = canSend && !closed && !pending && !uploads.busy && (text.trim() !== "" || (!note && ready.length > 0));

  // Grow with the text up to a few lines, then scroll inside.
  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = "auto";
    // Empty: one line (a long placeholder must not make it taller).
    if (text) el.style.height = `${Math.min(el.scrollHeight, MAX_INPUT_PX)}px`;
  }, [text, closed]);

  // Reply chosen on a bubble: the agent types next.
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  const update = (next: string) => {
    setText(next);
    if (next) drafts.set(draftKey, next);
    else drafts.delete(draftKey);
  };

  const focusAt = (pos: number) => {
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(pos, pos);
    });
  };

  const insert = (s: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    update(text.slice(0, start) + s + text.slice(end));
    focusAt(start + s.length);
  };

  // Variables are filled here, so the agent sees the final text (see quickReplyVars.ts).
  const pickReply = (r: QuickReply) => {
    const filled = expandVariables(r.content, { contact: conversation.contact, agent: { name: me?.user.name }, tenant: { name: me?.tenant?.name } }).text;
    update(filled);
    focusAt(filled.length);
  };

  const submit = async () => {
    if (!canSubmit) return;
    setError(null);
    typing.stop();
    const body = text.trim();
    const reply = replyTo ? { reply_to_id: replyTo.id } : {};
    try {
      if (!note && ready.length > 0) {
        let caption: string | null = body || null;
        for (const u of ready) {
          await send({ type: "media", attachment_id: u.attachment!.attachment_id, caption, ...(u === ready[0] ? reply : {}) });
          uploads.remove(u.id);
          // The text went as the first file's caption.
          if (caption !== null) update("");
          caption = null;
        }
      } else {
        await send({ type: "text", body, ...(note ? { private_note: true } : {}), ...reply });
      }
      update("");
      onCancelReply();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter and Tab that end an IME composition belong to the IME, not to the popup.
    if (qrOpen && matches.length > 0 && !e.nativeEvent.isComposing) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const step = e.key === "ArrowDown" ? 1 : -1;
        setQrActive((active + step + matches.length) % matches.length);
        return;
      }
      if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
        e.preventDefault();
        pickReply(matches[active]!);
        return;
      }
    }
    if (e.key === "Escape") {
      if (qrOpen) setQrClosedFor(text);
      else if (replyTo) onCancelReply();
      else return;
      e.preventDefault();
      return;
    }
    if (e.key !== "Enter" || e.shiftKey || e.nativeEvent.isComposing) return;
    // On touch keyboards Enter breaks the line (the send button sends); Ctrl/Cmd+Enter sends.
    const touch = typeof window.matchMedia === "function" && window.matchMedia("(pointer: coarse)").matches;
    if (touch && !e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    void submit();
  };

  const onChange = (e: ChangeEvent<HTMLTextAreaElement>) => {
    update(e.target.value);
    setQrActive(0);
    if (error) setError(null);
    if (!note && e.target.value) typing.ping();
  };

  if (!canSend) {
    return <p className="border-t border-slate-200 bg-slate-100 px-4 py-3 text-center text-sm text-slate-600">{t("chat.composer.readOnly")}</p>;
  }

  const remaining = win.closesInMs !== null ? formatRemaining(win.closesInMs, i18n.language) : null;

  return (
    <div className={cn("shrink-0 border-t px-2 pt-1.5 pb-2 sm:px-4", note ? "border-amber-200 bg-amber-50" : "border-slate-200 bg-[#f0f2f5]")}>
      {replyTo ? <ReplyChip message={replyTo} name={nameOf(authorKey(replyTo))} onCancel={onCancelReply} /> : null}
      {!note ? <UploadChips uploads={uploads} /> : null}
      {error ? (
        <p role="alert" className="mb-1.5 rounded-lg bg-red-50 px-3 py-1.5 text-sm text-red-800 ring-1 ring-red-200">
          {error}
        </p>
      ) : null}
      <div className="mb-1.5 flex min-w-0 items-center gap-1.5">
        <button
          type="button"
          data-testid="composer-note-toggle"
          aria-pressed={note}
          disabled={uploads.items.length > 0}
          title={uploads.items.length > 0 ? t("chat.note.noFiles") : t("chat.note.hint")}
          onClick={() => {
            if (!note) typing.stop();
            onNoteChange(!note);
            setError(null);
          }}
          className={cn(
            "inline-flex h-7 shrink-0 items-center gap-1 rounded-full px-2.5 text-xs font-medium ring-1 transition-colors disabled:opacity-50",
            note ? "bg-amber-200 text-amber-900 ring-amber-300" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50",
          )}
        >
          <Lock aria-hidden className="size-3.5" />
          {t("chat.note.toggle")}
        </button>
        {templates && !closed ? (
          <button
            type="button"
            data-testid="template-open"
            onClick={onOpenTemplates}
            className="inline-flex h-7 shrink-0 items-center gap-1 rounded-full bg-white px-2.5 text-xs font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
          >
            <LayoutTemplate aria-hidden className="size-3.5" />
            <span className="max-[359px]:sr-only">{t("chat.template.button")}</span>
          </button>
        ) : null}
        <span className="min-w-0 flex-1" />
        {remaining && !note ? <WindowCountdown text={t("chat.window.closesIn", { time: remaining })} short={remaining} /> : null}
      </div>
      {!closed && !note ? <PlaceholderWarning text={text} /> : null}
      {closed ? (
        <WindowBanner onOpenTemplates={onOpenTemplates} canTemplate={templates} />
      ) : (
        <div className="relative flex items-end gap-1">
          {qrOpen ? <QuickReplyPopup items={matches} active={active} loading={replies.isPending} onPick={pickReply} onHover={setQrActive} /> : null}
          <EmojiPicker onPick={insert} />
          {!note ? (
            <IconButton label={t("chat.upload.attach")} icon={<Paperclip aria-hidden className="size-5" />} onClick={onAttach} className="shrink-0 rounded-full text-slate-600" />
          ) : null}
          <div className={cn("min-w-0 flex-1 rounded-2xl px-3 py-2 ring-1", note ? "bg-white ring-amber-300" : "bg-white ring-slate-200")}>
            <textarea
              ref={input}
              data-testid="composer-input"
              rows={1}
              value={text}
              onChange={onChange}
              onKeyDown={onKeyDown}
              aria-label={note ? t("chat.composer.noteLabel") : t("chat.composer.label")}
              placeholder={note ? t("chat.composer.notePlaceholder") : t("chat.composer.placeholder")}
              role={qrOpen ? "combobox" : undefined}
              aria-expanded={qrOpen ? true : undefined}
              aria-controls={qrOpen && matches.length > 0 ? QUICK_REPLY_LIST_ID : undefined}
              aria-autocomplete={qrOpen ? "list" : undefined}
              aria-activedescendant={qrOpen && matches[active] ? quickReplyOptionId(matches[active].id) : undefined}
              className="block max-h-40 w-full resize-none border-0 bg-transparent p-0 text-[0.9375rem] leading-6 text-slate-900 placeholder:text-slate-400 focus:ring-0 focus:outline-none"
            />
          </div>
          {note ? (
            <Button data-testid="composer-send" loading={pending} disabled={!canSubmit} onClick={() => void submit()} className="h-10 shrink-0 rounded-full bg-amber-600 px-4 hover:bg-amber-700 disabled:bg-amber-600/60">
              {t("chat.note.save")}
            </Button>
          ) : (
            <IconButton
              data-testid="composer-send"
              variant="primary"
              label={t("chat.composer.send")}
              loading={pending}
              disabled={!canSubmit}
              icon={<SendHorizontal aria-hidden className="size-5" />}
              onClick={() => void submit()}
              className="size-10 shrink-0 rounded-full"
            />
          )}
        </div>
      )}
    </div>
  );
}
