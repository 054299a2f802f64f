// The nine node types: drag one onto the canvas, or click to add it beside the others. A flow
// has one start, so start is offered only while there is none.

import type { DragEvent } from "react";
import { useTranslation } from "react-i18next";

import { NODE_TYPES } from "../../../automation/flows/types";
import type { NodeType } from "../../../automation/flows/types";
import { cn } from "../../../lib/cn";
import { NODE_META } from "./nodeMeta";

/** The drag payload's type. */
export const DRAG_TYPE = "application/x-atende-node";

export function Palette({ onAdd, hasStart, disabled }: { onAdd: (type: NodeType) => void; hasStart: boolean; disabled?: boolean }) {
  const { t } = useTranslation();
  const onDragStart = (e: DragEvent, type: NodeType) => {
    e.dataTransfer.setData(DRAG_TYPE, type);
    e.dataTransfer.effectAllowed = "move";
  };
  return (
    <nav aria-label={t("automation.builder.palette")} className="flex flex-col gap-1 p-2">
      <p className="px-1 pb-1 text-xs font-medium text-slate-500 uppercase">{t("automation.builder.palette")}</p>
      {NODE_TYPES.map((type) => {
        const meta = NODE_META[type];
        const off = disabled || (type === "start" && hasStart);
        return (
          <button
            key={type}
            type="button"
            draggable={!off}
            disabled={off}
            onDragStart={(e) => onDragStart(e, type)}
            onClick={() => onAdd(type)}
            title={t(`automation.nodeHints.${type}`)}
            aria-label={t("automation.builder.addNode", { type: t(`automation.nodes.${type}`) })}
            className={cn(
              "flex items-center gap-2 rounded-lg border border-slate-200 bg-white px-2 py-1.5 text-left text-sm text-slate-700 shadow-xs",
              off ? "cursor-not-allowed opacity-50" : "cursor-grab hover:border-brand-400 hover:bg-brand-50",
            )}
          >
            <span className={cn("flex size-6 shrink-0 items-center justify-center rounded-md", meta.tone)}>
              <meta.icon aria-hidden className="size-3.5" />
            </span>
            <span className="truncate">{t(`automation.nodes.${type}`)}</span>
          </button>
        );
      })}
    </nav>
  );
}
