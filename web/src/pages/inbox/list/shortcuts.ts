// The inbox's keyboard: Alt+↓/Alt+↑ (or j/k) open the next/previous conversation of the list,
// "/" focuses the search, "?" shows the help. Never while the agent types: a key in a text field
// (the composer's "/" for quick replies, a "j" in a message) belongs to the field.

import { useEffect, useRef } from "react";

/** Whether keys pressed with `el` focused are typing (text inputs, textareas, contenteditable). */
export function isTypingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || el.closest("[contenteditable]:not([contenteditable='false'])")) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !["button", "checkbox", "radio", "range", "color", "submit", "reset", "file", "image"].includes(el.type);
  return false;
}

/** The id `step` places away from `current` in `ids` (the list's order), or null at either end. */
export function neighbour(ids: readonly string[], current: string | undefined, step: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const i = current === undefined ? -1 : ids.indexOf(current);
  if (i === -1) return ids[0]!;
  return ids[i + step] ?? null;
}

export type ShortcutAction = { kind: "move"; step: 1 | -1 } | { kind: "search" } | { kind: "help" };

/** Which action a key press asks for, if any (pure: the decision table, tested). */
export function shortcutFor(e: Pick<KeyboardEvent, "key" | "altKey" | "ctrlKey" | "metaKey" | "shiftKey">, typing: boolean): ShortcutAction | null {
  if (typing || e.ctrlKey || e.metaKey) return null;
  if (e.altKey) {
    if (e.key === "ArrowDown") return { kind: "move", step: 1 };
    if (e.key === "ArrowUp") return { kind: "move", step: -1 };
    return null;
  }
  switch (e.key) {
    case "j":
      return { kind: "move", step: 1 };
    case "k":
      return { kind: "move", step: -1 };
    case "/":
      return { kind: "search" };
    case "?":
      return { kind: "help" };
    default:
      return null;
  }
}

/** A modal (dialog, open menu) has the keyboard: the list's shortcuts stay out of its way. */
function modalOpen(): boolean {
  return !!document.querySelector("[role='dialog'][data-state='open'],[role='alertdialog'][data-state='open'],[role='menu'][data-state='open']");
}

export function useListShortcuts(handlers: { move: (step: 1 | -1) => void; search: () => void; help: () => void }) {
  const ref = useRef(handlers);
  useEffect(() => {
    ref.current = handlers;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const action = shortcutFor(e, isTypingTarget(e.target));
      if (!action || modalOpen()) return;
      e.preventDefault();
      if (action.kind === "move") ref.current.move(action.step);
      else ref.current[action.kind]();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
