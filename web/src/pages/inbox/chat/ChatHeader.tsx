// The open conversation's header: back (phones), the contact, channel, status, who is typing,
// "Atender" while nobody handles it, and the button for the contact/actions panel. When the header
// is narrow (a 375 px phone, the chat beside the list on a tablet) the number stays whole: the name
// truncates, "Atender" is an icon and the status badge steps aside.

import { useNavigate } from "@tanstack/react-router";
import { ArrowLeft, PanelRight } from "lucide-react";
import { useTranslation } from "react-i18next";

import { cn } from "../../../lib/cn";

import { IconButton } from "../../../components/ui/Button";
import { canTake } from "../../../inbox/lifecycle";
import type { Conversation } from "../../../inbox/queries";
import { channelFamily } from "../../../inbox/lookups";
import { useInboxUi } from "../../../inbox/ui";
import { useRole } from "../../../lib/me";
import { Avatar, StatusBadge } from "../list/bits";
import { useChannel, useTypers } from "./hooks";
import { TakeButton } from "./TakeButton";

/** "digitando…", "Ana está digitando…", "Ana e João estão digitando…". */
function useTypingText(conversation: Conversation): string | null {
  const { t, i18n } = useTranslation();
  const names = useTypers(conversation.id, conversation.contact.name);
  if (names.length === 0) return null;
  if (names.length === 1 && names[0] === conversation.contact.name) return t("chat.typing.contact");
  if (names.length === 1) return t("chat.typing.one", { name: names[0] });
  return t("chat.typing.many", { names: new Intl.ListFormat(i18n.language, { type: "conjunction" }).format(names) });
}

export function ChatHeader({ conversation }: { conversation: Conversation }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const detailsOpen = useInboxUi((s) => s.detailsOpen);
  const toggleDetails = useInboxUi((s) => s.toggleDetails);
  const channel = useChannel(conversation.channel_id).data;
  const typing = useTypingText(conversation);
  const role = useRole();
  const kind = channel ? t(`conv.channel.${channelFamily(channel.kind)}`) : null;
  const phone = conversation.contact.phone;
  const takeable = canTake(conversation, role);
  return (
    <header className="@container flex h-16 shrink-0 items-center gap-2 border-b border-slate-200 bg-[#f0f2f5] px-2 sm:px-4">
      <IconButton data-testid="chat-back" label={t("chat.back")} icon={<ArrowLeft aria-hidden className="size-5" />} onClick={() => void navigate({ to: "/inbox" })} className="md:hidden" />
      <Avatar id={conversation.contact.id} name={conversation.contact.name} className="size-10" />
      <div className="min-w-0 flex-1">
        <h2 className="truncate text-[0.9375rem] font-semibold text-slate-900">{conversation.contact.name}</h2>
        <p className="flex min-w-0 text-xs text-slate-600">
          {/* Only the typing text is announced (not the phone and channel on each switch). */}
          <span aria-live="polite" data-testid={typing ? "typing" : undefined} className="truncate font-medium text-brand-700">
            {typing}
          </span>
          {/* The number is never cut (an agent reads it out or dials it); the channel may be. */}
          {typing ? null : (
            <>
              {phone ? <span data-testid="chat-phone" className="shrink-0 whitespace-nowrap">{phone}</span> : null}
              {kind ? <span className={cn("truncate", phone && "ml-1")}>{phone ? `· ${kind}` : kind}</span> : null}
            </>
          )}
        </p>
      </div>
      {/* In a narrow header the number must fit: "Atender" shrinks to its icon and, beside it, the
          status badge steps aside (the button already says the conversation waits for someone). */}
      {takeable ? <TakeButton conversationId={conversation.id} iconOnlyWhenNarrow /> : null}
      <span className={cn("shrink-0", takeable && "@max-lg:hidden")}>
        <StatusBadge status={conversation.status} />
      </span>
      <IconButton
        data-testid="details-toggle"
        aria-pressed={detailsOpen}
        label={t("chat.details")}
        icon={<PanelRight aria-hidden className="size-5" />}
        onClick={toggleDetails}
        className={detailsOpen ? "bg-slate-200" : undefined}
      />
    </header>
  );
}
