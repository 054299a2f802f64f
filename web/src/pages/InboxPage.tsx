import { useParams } from "@tanstack/react-router";
import { MessagesSquare } from "lucide-react";
import { useTranslation } from "react-i18next";

import { EmptyState } from "../components/ui/States";
import { useInboxUi } from "../inbox/ui";
import { cn } from "../lib/cn";
import { ChatPane } from "./inbox/chat/ChatPane";
import { ConversationList } from "./inbox/list/ConversationList";
import { SidePanel } from "./inbox/side/SidePanel";

/**
 * The inbox, three panes like WhatsApp Business: the conversation list, the open conversation and
 * its contact/actions panel. Below `md` (phones) one pane shows at a time: the list, or the chat
 * with a back button; the panel opens over the chat below `xl`.
 */
export function InboxPage() {
  const { t } = useTranslation();
  const { conversationId } = useParams({ strict: false });
  const detailsOpen = useInboxUi((s) => s.detailsOpen);
  const setDetailsOpen = useInboxUi((s) => s.setDetailsOpen);
  const open = conversationId ?? undefined;

  return (
    <div className="relative flex h-full min-h-0 bg-white">
      <h1 className="sr-only">{t("nav.inbox")}</h1>
      <section
        aria-label={t("inbox.listLabel")}
        className={cn("min-h-0 w-full flex-col border-r border-slate-200 md:flex md:w-80 md:shrink-0 lg:w-96", open ? "hidden" : "flex")}
      >
        <ConversationList selectedId={open} />
      </section>
      <section aria-label={t("inbox.chatLabel")} className={cn("min-h-0 min-w-0 flex-1 flex-col bg-slate-50 md:flex", open ? "flex" : "hidden")}>
        {open ? (
          <ChatPane key={open} conversationId={open} />
        ) : (
          <div className="m-auto max-w-md p-6">
            <EmptyState icon={<MessagesSquare aria-hidden />} title={t("inbox.pickTitle")}>
              {t("inbox.pickText")}
            </EmptyState>
          </div>
        )}
      </section>
      {open && detailsOpen ? (
        <aside
          aria-label={t("inbox.detailsLabel")}
          className="absolute inset-0 z-20 flex min-h-0 flex-col overflow-y-auto border-l border-slate-200 bg-white sm:left-auto sm:w-96 sm:shadow-xl xl:static xl:w-80 xl:shrink-0 xl:shadow-none 2xl:w-96"
        >
          <SidePanel
            key={open}
            conversationId={open}
            onClose={() => setDetailsOpen(false)}
          />
        </aside>
      ) : null}
    </div>
  );
}
