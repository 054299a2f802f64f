// The side panel's "Nó" tab: the selected node's type, id, issues and form, and removing it.

import { Trash2 } from "lucide-react";
import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import { Button } from "../../../components/ui/Button";
import { Alert } from "../../../components/ui/States";
import { shapeOf } from "../../../automation/flows/graph";
import type { CanvasEdge, CanvasNode } from "../../../automation/flows/graph";
import { issueText } from "../../../automation/flows/issues";
import type { Issue } from "../../../automation/flows/issues";
import type { NodeConfig } from "../../../automation/flows/types";
import { NodeForm } from "./forms/NodeForm";
import type { Lookups } from "./forms/lookups";
import { NODE_META } from "./nodeMeta";
import { Outputs } from "./Outputs";

interface Props {
  node: CanvasNode | null;
  issues: Issue[];
  lookups: Lookups;
  readOnly: boolean;
  onChange: (id: string, c: NodeConfig) => void;
  onDelete: (id: string) => void;
  nodes: readonly CanvasNode[];
  edges: readonly CanvasEdge[];
  onLink: (from: string, handle: string, to: string | null) => void;
}

export function NodePanel({ node, issues, lookups, readOnly, onChange, onDelete, nodes, edges, onLink }: Props) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  if (!node) return <p className="p-4 text-sm text-slate-500">{t("automation.builder.selectNode")}</p>;
  const meta = NODE_META[node.type];
  return (
    <section aria-label={t("automation.builder.nodePanel", { id: node.id })} className="space-y-3 p-4">
      <header className="flex items-center gap-2">
        <span className={`flex size-7 items-center justify-center rounded-md ${meta.tone}`}>
          <meta.icon aria-hidden className="size-4" />
        </span>
        <div className="min-w-0 flex-1">
          <h2 className="text-sm font-semibold text-slate-900">{t(`automation.nodes.${node.type}`)}</h2>
          <p className="font-mono text-xs text-slate-500">{node.id}</p>
        </div>
        {readOnly ? null : (
          <Button variant="ghost-danger" size="sm" icon={<Trash2 aria-hidden className="size-4" />} onClick={() => onDelete(node.id)}>
            {t("automation.builder.deleteNode")}
          </Button>
        )}
      </header>
      <p className="text-xs text-slate-500">{t(`automation.nodeHints.${node.type}`)}</p>
      {issues.length > 0 ? (
        <Alert>
          <ul className="list-disc pl-4">
            {issues.map((i, k) => (
              <li key={k}>{issueText(tr, i)}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <fieldset disabled={readOnly} className="min-w-0">
        {/* Keyed by node: each form's half-typed numbers and ids belong to one node. */}
        <NodeForm key={node.id} node={shapeOf(node)} lookups={lookups} onChange={(c) => onChange(node.id, c)} />
      </fieldset>
      <fieldset disabled={readOnly} className="min-w-0">
        <Outputs node={node} nodes={nodes} edges={edges} onLink={onLink} />
      </fieldset>
    </section>
  );
}
