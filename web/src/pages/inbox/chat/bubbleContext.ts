// What every bubble of the list can do and needs to know, given once by the list.

import { createContext, useContext } from "react";

import type { Message } from "../../../inbox/queries";
import type { Directory } from "./system";

export interface BubbleEnv {
  /** The signed-in user's id (their reactions, their messages). */
  me: string | null;
  /** Sending is allowed (not a viewer). */
  canAct: boolean;
  /** "contact" or a user id → a name to show. */
  nameOf: (who: string) => string;
  /** Loaded messages by id, for quotes. */
  byId: ReadonlyMap<string, Message>;
  reply: (m: Message) => void;
  react: (m: Message, emoji: string | null) => void;
  /** Scrolls to a message (loading older pages until it is there) and highlights it. */
  jump: (id: string) => void;
  retry: (id: string) => void;
  retrying: string | null;
  /** Names for system messages (computed once for the list). */
  directory: Directory;
}

export const BubbleContext = createContext<BubbleEnv | null>(null);

export function useBubbleEnv(): BubbleEnv {
  const env = useContext(BubbleContext);
  if (!env) throw new Error("bubbles render inside the message list");
  return env;
}
