import { useParams } from "@tanstack/react-router";
import { MessagesSquare } from "lucide-react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

import { EmptyState } from "../components/ui/States";
import { useInboxUi } from "../inbox/ui";
import { cn } from "../lib/cn";
import { ChatPane } from "./inbox/chat/ChatPane";
import { ConversationList } from "./inbox/list/ConversationList";
import { SidePanel } from "./inbox/side/SidePanel";

/** Where the side panel stops covering the chat and becomes a column (see `InboxPage`). */
export const PANEL_COLUMN_QUERY = "(min-width: 1440px)";

/**
 * Escape closes the side panel while it covers the chat (below 1440 px), unless something above
 * it (a dialog, a menu, a popover) takes the key first.
 */
function useOverlayEscape(active: boolean, close: () => void) {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      if (typeof window.matchMedia === "function" && window.matchMedia(PANEL_COLUMN_QUERY).matches) return;
      if (document.querySelector("[role=dialog], [role=alertdialog], [role=menu], [data-radix-popper-content-wrapper]")) return;
      close();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, close]);
}

/**
 * The inbox, three panes like WhatsApp Business: the conversation list, the open conversation and
 * its contact/actions panel. Below `md` (phones) one pane shows at a time: the list, or the chat
 * with a back button. The panel is a column from 1440 px; below, it opens over the chat's right
 * side (closed by its button, the header's toggle or Escape; the list stays usable), so at 1366 px the chat keeps its full width instead of
 * shrinking to ~400 px between the list and the panel (issue 10).
 */
export function InboxPage() {
  const { t } = useTranslation();
  const { conversationId } = useParams({ strict: false });
  const detailsOpen = useInboxUi((s) => s.detailsOpen);
  const setDetailsOpen = useInboxUi((s) => s.setDetailsOpen);
  const open = conversationId ?? undefined;
  useOverlayEscape(!!open && detailsOpen, () => setDetailsOpen(false));
  // Over the chat the panel is a drawer: opening another conversation closes it (as a column,
  // from 1440 px, it stays).
  const shown = useRef(open);
  useEffect(() => {
    if (shown.current === open) return;
    shown.current = open;
    if (typeof window.matchMedia === "function" && !window.matchMedia(PANEL_COLUMN_QUERY).matches) setDetailsOpen(false);
  }, [open, setDetailsOpen]);

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
          data-testid="details-panel"
          className="absolute inset-0 z-20 flex min-h-0 flex-col overflow-y-auto border-l border-slate-200 bg-white sm:left-auto sm:w-96 sm:shadow-xl min-[1440px]:static min-[1440px]:w-80 min-[1440px]:shrink-0 min-[1440px]:shadow-none 2xl:w-96"
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
