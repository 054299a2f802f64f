// The selected node's ways out as a form: where each handle leads, chosen from a list — the
// keyboard's way to connect what the canvas connects by dragging.

import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import { Field, Select } from "../../../components/ui/Field";
import { handleLabel } from "../../../automation/flows/describe";
import { shapeOf } from "../../../automation/flows/graph";
import type { CanvasEdge, CanvasNode } from "../../../automation/flows/graph";
import { DEFAULT, hasInput, nodeHandles } from "../../../automation/flows/model";

interface Props {
  node: CanvasNode;
  nodes: readonly CanvasNode[];
  edges: readonly CanvasEdge[];
  onLink: (from: string, handle: string, to: string | null) => void;
}

export function Outputs({ node, nodes, edges, onLink }: Props) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  const shape = shapeOf(node);
  const handles = nodeHandles(shape);
  if (handles.length === 0) return null;
  const targets = nodes.filter((n) => hasInput(n.type));
  return (
    <fieldset className="space-y-1 border-t border-slate-200 pt-3">
      <legend className="text-sm font-semibold text-slate-900">{t("automation.outputs.title")}</legend>
      <p className="pb-1 text-xs text-slate-500">{t("automation.outputs.hint")}</p>
      {handles.map((h) => {
        const to = edges.find((e) => e.source === node.id && (e.sourceHandle ?? DEFAULT) === h)?.target ?? "";
        return (
          <Field key={h} label={handleLabel(tr, shape, h) || t("automation.handles.next")}>
            <Select value={to} onChange={(e) => onLink(node.id, h, e.target.value || null)}>
              <option value="">{t("automation.outputs.nowhere")}</option>
              {targets.map((n) => (
                <option key={n.id} value={n.id}>
                  {`${n.id} · ${t(`automation.nodes.${n.type}`)}`}
                </option>
              ))}
            </Select>
          </Field>
        );
      })}
    </fieldset>
  );
}
