// The builder's state: the canvas (nodes and edges), the flow's settings, the selection, the
// issues shown on nodes, and saving (PATCH) and publishing. Loaded once from the flow; what was
// last saved is kept to tell unsaved changes apart.

import { useEdgesState, useNodesState } from "@xyflow/react";
import type { Connection, XYPosition } from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { toast } from "../../../components/ui/Toaster";
import { useApiError } from "../../../lib/useApiError";
import { FlowInvalidError, usePublishFlow, useUpdateFlow } from "../../../automation/flows/api";
import { connect, remapEdges, setTarget, shapeOf, toCanvasNode, toDefinition, toGraph } from "../../../automation/flows/graph";
import type { CanvasEdge, CanvasNode } from "../../../automation/flows/graph";
import { NO_ISSUES, hasIssues, saveBlockers } from "../../../automation/flows/issues";
import type { FlowIssues } from "../../../automation/flows/issues";
import { newNode } from "../../../automation/flows/model";
import { cleanTriggers } from "../../../automation/flows/triggers";
import type { Flow, FlowInput, NodeConfig, NodeType, Trigger } from "../../../automation/flows/types";

export interface Settings {
  name: string;
  description: string;
  triggers: Trigger[];
  priority: number;
  active: boolean;
}

function settingsOf(flow: Flow): Settings {
  return { name: flow.name, description: flow.description ?? "", triggers: flow.triggers, priority: flow.priority, active: flow.active };
}

function bodyOf(s: Settings, nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): FlowInput {
  return {
    name: s.name.trim(),
    description: s.description.trim() || null,
    definition: toDefinition(nodes, edges),
    triggers: cleanTriggers(s.triggers),
    priority: s.priority,
    active: s.active,
  };
}

export function useBuilder(flow: Flow) {
  const { t } = useTranslation();
  const { message } = useApiError();
  const initial = useMemo(() => toGraph(flow.definition), [flow.definition]);
  const [nodes, setNodes, onNodesChange] = useNodesState<CanvasNode>(initial.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState<CanvasEdge>(initial.edges);
  const [dropped] = useState(initial.dropped.length);
  const [settings, setSettings] = useState<Settings>(() => settingsOf(flow));
  const [saved, setSaved] = useState(() => JSON.stringify(bodyOf(settingsOf(flow), initial.nodes, initial.edges)));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [issues, setIssues] = useState<FlowIssues>(NO_ISSUES);
  const update = useUpdateFlow();
  const publishM = usePublishFlow();

  const body = bodyOf(settings, nodes, edges);
  const dirty = JSON.stringify(body) !== saved;
  const selected = nodes.find((n) => n.id === selectedId) ?? null;

  const addNode = useCallback(
    (type: NodeType, at?: XYPosition) => {
      setNodes((ns) => {
        const last = ns[ns.length - 1];
        const position = at ?? { x: (last?.position.x ?? 0) + 300, y: last?.position.y ?? 0 };
        const node = toCanvasNode(newNode(type, position, ns));
        setSelectedId(node.id);
        return [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), { ...node, selected: true }];
      });
    },
    [setNodes],
  );

  /** Replaces a node's config; its arrows follow renamed handles and go with removed ones. */
  const updateConfig = useCallback(
    (id: string, config: NodeConfig) => {
      const before = nodes.find((n) => n.id === id);
      if (!before) return;
      const after: CanvasNode = { ...before, data: { config } };
      setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { config } } : n)));
      setEdges((es) => remapEdges(id, shapeOf(before), shapeOf(after), es));
      setIssues((i) => {
        if (!i.byNode[id]) return i;
        const byNode = { ...i.byNode };
        delete byNode[id];
        return { ...i, byNode };
      });
    },
    [nodes, setNodes, setEdges],
  );

  const deleteNode = useCallback(
    (id: string) => {
      setNodes((ns) => ns.filter((n) => n.id !== id));
      setEdges((es) => es.filter((e) => e.source !== id && e.target !== id));
      setSelectedId((s) => (s === id ? null : s));
    },
    [setNodes, setEdges],
  );

  const onConnect = useCallback((c: Connection) => setEdges((es) => connect(nodes, es, c)), [nodes, setEdges]);

  /** Points a node's way out at another node (or at none), as connecting on the canvas does. */
  const linkHandle = useCallback((from: string, handle: string, to: string | null) => setEdges((es) => setTarget(nodes, es, from, handle, to)), [nodes, setEdges]);

  /** Saves the draft; false when it could not be saved (the reason is on screen). */
  const save = useCallback(async (): Promise<boolean> => {
    const blockers = saveBlockers(nodes);
    if (hasIssues(blockers)) {
      setIssues(blockers);
      toast.error(t("automation.builder.fixBeforeSaving"));
      return false;
    }
    try {
      await update.mutateAsync({ id: flow.id, body });
      setSaved(JSON.stringify(body));
      return true;
    } catch (e) {
      toast.error(message(e));
      return false;
    }
  }, [nodes, update, flow.id, body, t, message]);

  const publish = useCallback(async () => {
    if (dirty && !(await save())) return;
    try {
      const { version } = await publishM.mutateAsync(flow.id);
      setIssues(NO_ISSUES);
      toast.success(t("automation.builder.published", { version: version.version }));
    } catch (e) {
      if (e instanceof FlowInvalidError) {
        setIssues(e.issues);
        toast.error(t("automation.builder.publishRefused"));
      } else {
        toast.error(message(e));
      }
    }
  }, [dirty, save, publishM, flow.id, t, message]);

  return {
    nodes,
    edges,
    onNodesChange,
    onEdgesChange,
    onConnect,
    linkHandle,
    dropped,
    settings,
    setSettings,
    selected,
    setSelectedId,
    addNode,
    updateConfig,
    deleteNode,
    issues,
    setIssues,
    dirty,
    save,
    saving: update.isPending,
    saveError: update.error,
    publish,
    publishing: publishM.isPending,
  };
}

export type BuilderState = ReturnType<typeof useBuilder>;
