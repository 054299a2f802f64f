// The open conversation: header, messages, composer (or the closed-window banner) and the
// template picker. Files can be dropped anywhere on the pane or pasted; they upload at once and
// go with the next send.

import { Link } from "@tanstack/react-router";
import { EyeOff, Upload } from "lucide-react";
import type { ClipboardEvent, DragEvent } from "react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { ApiError } from "../../../api/errors";
import { EmptyState, ErrorState, Spinner } from "../../../components/ui/States";
import { useConversation, useMessages } from "../../../inbox/queries";
import type { Message } from "../../../inbox/queries";
import { useMe, useRole } from "../../../lib/me";
import { ChannelHealthBanner } from "./ChannelHealthBanner";
import { ChatHeader } from "./ChatHeader";
import { Composer } from "./Composer";
import { useChannel, useConversationTopic, useMarkReadWhenSeen } from "./hooks";
import { MessageList } from "./MessageList";
import { TemplatePicker } from "./TemplatePicker";
import { useUploads } from "./uploads";

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes("Files");
}

/**
 * Drag-and-drop of files onto the pane, with a counter for the enter/leave pairs of children. A
 * drag of files is always taken (even when attaching is off), else the browser opens the file.
 */
function useFileDrop(enabled: boolean, onFiles: (files: File[]) => void) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      if (!enabled || !hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setOver(true);
    },
    onDragOver: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = enabled ? "copy" : "none";
    },
    onDragLeave: (e: DragEvent) => {
      if (!enabled || !hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    },
    onDrop: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (!enabled) return;
      depth.current = 0;
      setOver(false);
      const files = Array.from(e.dataTransfer.files);
      if (files.length) onFiles(files);
    },
  };
  return { over, handlers };
}

/** A 404 of the conversation or its messages: the agent lost access (transferred, reassigned). */
export function isGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** Shown instead of a stale chat once the conversation is no longer visible to the agent. */
function GoneState() {
  const { t } = useTranslation();
  return (
    <div data-testid="chat-gone" className="flex h-full min-h-0 flex-col items-center justify-center bg-[#efeae2] p-4">
      <div className="max-w-sm">
        <EmptyState
          icon={<EyeOff aria-hidden />}
          title={t("chat.gone.title")}
          action={
            <Link to="/inbox" className="inline-flex h-9 items-center rounded-lg bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700">
              {t("chat.gone.back")}
            </Link>
          }
        >
          {t("chat.gone.text")}
        </EmptyState>
      </div>
    </div>
  );
}

export function ChatPane({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation();
  const q = useConversation(conversationId);
  const conv = q.data;
  // Another observer of the list's query (same key): its 404 also means the access is gone.
  const messagesError = useMessages(conversationId).error;
  // TanStack keeps the last data when a refetch fails: the error decides, not a missing `data`.
  const gone = isGone(q.error) || isGone(messagesError);
  useConversationTopic(conversationId);
  useMarkReadWhenSeen(conversationId, gone ? undefined : conv);
  const role = useRole();
  const me = useMe().data?.user.id ?? null;
  const canSend = role !== null && role !== "viewer";
  const channel = useChannel(conv?.channel_id).data;
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [note, setNote] = useState(false);
  const [templatesOpen, setTemplatesOpen] = useState(false);
  const uploads = useUploads();
  const fileInput = useRef<HTMLInputElement>(null);
  const canAttach = canSend && !note && !!conv?.window_open;
  const drop = useFileDrop(canAttach, uploads.add);

  if (gone) return <GoneState />;

  if (!conv) {
    return (
      <div className="flex h-full min-h-0 flex-col items-center justify-center bg-[#efeae2] p-4">
        {q.isError ? <ErrorState error={q.error} onRetry={() => void q.refetch()} /> : <Spinner />}
      </div>
    );
  }

  // Templates exist on WhatsApp; until the channel is known, a closed window says it is one.
  const templates = channel ? channel.kind === "whatsapp_cloud" : !conv.window_open;

  const onPaste = (e: ClipboardEvent) => {
    const files = Array.from(e.clipboardData?.files ?? []);
    if (!canAttach || files.length === 0) return;
    e.preventDefault();
    uploads.add(files);
  };

  return (
    <div className="relative flex h-full min-h-0 min-w-0 flex-col bg-[#efeae2]" onPaste={onPaste} {...drop.handlers}>
      <ChatHeader conversation={conv} />
      <ChannelHealthBanner conversationId={conversationId} channelId={conv.channel_id} />
      <MessageList conversation={conv} me={me} canAct={canSend} onReply={setReplyTo} />
      <Composer
        conversation={conv}
        canSend={canSend}
        templates={templates}
        note={note}
        onNoteChange={setNote}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        uploads={uploads}
        onOpenTemplates={() => setTemplatesOpen(true)}
        onAttach={() => fileInput.current?.click()}
      />
      {canSend ? (
        <input
          ref={fileInput}
          type="file"
          multiple
          tabIndex={-1}
          aria-hidden
          data-testid="composer-file"
          className="sr-only"
          onChange={(e) => {
            uploads.add(Array.from(e.target.files ?? []));
            e.target.value = "";
          }}
        />
      ) : null}
      {templates ? <TemplatePicker open={templatesOpen} onOpenChange={setTemplatesOpen} conversation={conv} /> : null}
      {drop.over ? (
        <div className="pointer-events-none absolute inset-2 z-40 flex flex-col items-center justify-center gap-2 rounded-2xl border-2 border-dashed border-brand-600 bg-brand-50/90 text-brand-800">
          <Upload aria-hidden className="size-10" />
          <p className="text-base font-semibold">{t("chat.upload.drop")}</p>
        </div>
      ) : null}
    </div>
  );
}
