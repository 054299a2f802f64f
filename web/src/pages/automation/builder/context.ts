// What every node on the canvas reads besides its own config: the issues found on it, whether
// the last simulation passed through it, and the names of the tags and targets it mentions.

import { createContext, useContext } from "react";

import type { Names } from "../../../automation/flows/describe";
import type { Issue } from "../../../automation/flows/issues";

export interface CanvasView {
  issues: Record<string, Issue[]>;
  /** Nodes the last simulation ran through. */
  path: ReadonlySet<string>;
  /** Where the last simulation stopped. */
  last: string | null;
  names: Names;
}

export const CanvasViewContext = createContext<CanvasView>({
  issues: {},
  path: new Set(),
  last: null,
  names: { tag: () => "", target: () => "" },
});

export const useCanvasView = () => useContext(CanvasViewContext);
