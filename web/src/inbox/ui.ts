// UI state of the inbox shared by its panes (not server state: that lives in ./queries.ts).

import { create } from "zustand";

interface InboxUi {
  /** The contact/actions panel, beside the chat from 1440 px and over it below (InboxPage). */
  detailsOpen: boolean;
  setDetailsOpen: (open: boolean) => void;
  toggleDetails: () => void;
}

export const useInboxUi = create<InboxUi>((set) => ({
  // Open by default where it fits beside a chat of comfortable width (2xl, 1536 px); on smaller
  // screens it is asked for (beside the chat from 1440 px, over it below).
  detailsOpen: typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia("(min-width: 1536px)").matches,
  setDetailsOpen: (detailsOpen) => set({ detailsOpen }),
  toggleDetails: () => set((s) => ({ detailsOpen: !s.detailsOpen })),
}));
