// A bubble's actions (reply, react, copy): a chevron on hover or focus, a long press on touch
// screens, or a right click.

import * as Menu from "@radix-ui/react-dropdown-menu";
import { ChevronDown, Copy, Reply } from "lucide-react";
import type { MouseEvent, PointerEvent, ReactNode } from "react";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { toast } from "../../../components/ui/Toaster";
import type { Message } from "../../../inbox/queries";
import { cn } from "../../../lib/cn";
import { useBubbleEnv } from "./bubbleContext";
import { snippetOf } from "./timeline";

/** The reactions offered in the menu (WhatsApp's own quick set). */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

const LONG_PRESS_MS = 450;

const item =
  "flex cursor-default items-center gap-2 rounded-md px-2.5 py-2 text-sm text-slate-800 outline-none select-none data-[highlighted]:bg-slate-100";

/** Whether the message can carry a reaction on WhatsApp (the provider knows it). */
function reactable(m: Message): boolean {
  return !m.is_private_note && (m.direction === "inbound" || !!m.provider_message_id);
}

/** The bubble's box, with its action menu and the gestures that open it. */
export function BubbleMenu({ message, mine, className, children }: { message: Message; mine: string | null; className: string; children: ReactNode }) {
  const { t } = useTranslation();
  const env = useBubbleEnv();
  const [open, setOpen] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const start = useRef({ x: 0, y: 0 });
  const text = snippetOf(message);
  const canReply = env.canAct && !message.is_private_note;
  const canReact = env.canAct && reactable(message);

  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };
  const onPointerDown = (e: PointerEvent) => {
    if (e.pointerType !== "touch") return;
    cancel();
    start.current = { x: e.clientX, y: e.clientY };
    timer.current = setTimeout(() => setOpen(true), LONG_PRESS_MS);
  };
  // A scroll is not a press; a finger's jitter is.
  const onPointerMove = (e: PointerEvent) => {
    if (Math.hypot(e.clientX - start.current.x, e.clientY - start.current.y) > 8) cancel();
  };
  const onContextMenu = (e: MouseEvent) => {
    if ((e.target as HTMLElement).closest("a, audio, video, img")) return;
    e.preventDefault();
    setOpen(true);
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      toast.success(t("chat.actions.copied"));
    } catch {
      toast.error(t("chat.actions.copyFailed"));
    }
  };

  if (!canReply && !canReact && !text) return <div className={className}>{children}</div>;

  return (
    <div
      className={className}
      onPointerDown={onPointerDown}
      onPointerUp={cancel}
      onPointerMove={onPointerMove}
      onPointerCancel={cancel}
      onContextMenu={onContextMenu}
    >
    <Menu.Root open={open} onOpenChange={setOpen} modal={false}>
      <Menu.Trigger asChild>
        <button
          type="button"
          aria-label={t("chat.actions.menu")}
          className={cn(
            "absolute top-0.5 right-0.5 z-10 rounded-full bg-inherit p-0.5 text-slate-500 opacity-0 shadow-xs transition-opacity",
            "group-hover:opacity-100 focus-visible:opacity-100 data-[state=open]:opacity-100",
          )}
        >
          <ChevronDown aria-hidden className="size-4" />
        </button>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content align="end" sideOffset={4} collisionPadding={8} className="z-50 min-w-48 rounded-lg bg-white p-1 shadow-lg ring-1 ring-slate-200">
          {canReact ? (
            <Menu.Group aria-label={t("chat.actions.react")} className="mb-1 flex gap-0.5 border-b border-slate-100 pb-1">
              {QUICK_REACTIONS.map((emoji) => (
                <Menu.Item
                  key={emoji}
                  aria-label={mine === emoji ? t("chat.actions.unreact", { emoji }) : t("chat.actions.reactWith", { emoji })}
                  onSelect={() => env.react(message, mine === emoji ? null : emoji)}
                  className={cn(
                    "flex size-9 cursor-default items-center justify-center rounded-full text-xl outline-none data-[highlighted]:bg-slate-100",
                    mine === emoji && "bg-brand-100",
                  )}
                >
                  {emoji}
                </Menu.Item>
              ))}
            </Menu.Group>
          ) : null}
          {canReply ? (
            <Menu.Item className={item} onSelect={() => env.reply(message)}>
              <Reply aria-hidden className="size-4 text-slate-500" />
              {t("chat.actions.reply")}
            </Menu.Item>
          ) : null}
          {text ? (
            <Menu.Item className={item} onSelect={() => void copy()}>
              <Copy aria-hidden className="size-4 text-slate-500" />
              {t("chat.actions.copy")}
            </Menu.Item>
          ) : null}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
      {children}
    </div>
  );
}
