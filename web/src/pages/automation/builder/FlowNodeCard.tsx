// A node on the canvas: its type, id and a summary of its config, one labelled source handle per
// way out (NodeKind::handles), an input handle (all but start), a red outline and the messages
// when publishing found issues on it, and a blue ring when the last simulation passed by.

import { Handle, Position } from "@xyflow/react";
import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import { handleLabel, nodeSummary } from "../../../automation/flows/describe";
import { INPUT_HANDLE, shapeOf } from "../../../automation/flows/graph";
import type { CanvasNode } from "../../../automation/flows/graph";
import { issueText } from "../../../automation/flows/issues";
import { hasInput, nodeHandles } from "../../../automation/flows/model";
import { cn } from "../../../lib/cn";
import { useCanvasView } from "./context";
import { NODE_META } from "./nodeMeta";

const handleClass = "!size-3 !border-2 !border-white !bg-slate-500";

function FlowNodeCardImpl({ id, type, data, selected }: NodeProps<CanvasNode>) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  const view = useCanvasView();
  const shape = shapeOf({ type, data });
  const issues = view.issues[id] ?? [];
  const meta = NODE_META[type];
  const summary = nodeSummary(tr, shape, view.names);
  const handles = nodeHandles(shape);
  const onPath = view.path.has(id);
  return (
    <div
      data-testid="flow-node"
      data-node-id={id}
      data-invalid={issues.length > 0 || undefined}
      data-on-path={onPath || undefined}
      className={cn(
        "w-60 rounded-xl border bg-white text-left shadow-sm",
        issues.length > 0 ? "border-red-500 ring-2 ring-red-400" : "border-slate-300",
        onPath && issues.length === 0 && "ring-2 ring-sky-400",
        view.last === id && "ring-4",
        selected && "border-brand-600",
      )}
    >
      {hasInput(type) ? <Handle type="target" position={Position.Left} id={INPUT_HANDLE} className={handleClass} /> : null}
      <div className="flex items-center gap-2 border-b border-slate-100 px-3 py-2">
        <span className={cn("flex size-6 shrink-0 items-center justify-center rounded-md", meta.tone)}>
          <meta.icon aria-hidden className="size-3.5" />
        </span>
        <span className="flex-1 truncate text-sm font-semibold text-slate-800">{t(`automation.nodes.${type}`)}</span>
        <span className="font-mono text-[10px] text-slate-400">{id}</span>
      </div>
      <p className={cn("px-3 py-2 text-xs break-words whitespace-pre-line", summary ? "text-slate-600" : "text-slate-400 italic")}>
        {summary || t("automation.summary.empty")}
      </p>
      {issues.length > 0 ? (
        <ul className="space-y-0.5 border-t border-red-100 bg-red-50 px-3 py-1.5 text-xs text-red-700" data-testid="node-issues">
          {issues.map((i, k) => (
            <li key={k}>{issueText(tr, i)}</li>
          ))}
        </ul>
      ) : null}
      {handles.length > 0 ? (
        <div className="border-t border-slate-100 py-1">
          {handles.map((h) => {
            const label = handleLabel(tr, shape, h);
            return (
              <div key={h} className="relative flex h-6 items-center justify-end pr-3 pl-3 text-[11px] text-slate-500" data-handle={h}>
                <span className="truncate">{label}</span>
                <Handle type="source" position={Position.Right} id={h} className={handleClass} aria-label={label || t("automation.handles.next")} />
              </div>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}

export const FlowNodeCard = memo(FlowNodeCardImpl);
