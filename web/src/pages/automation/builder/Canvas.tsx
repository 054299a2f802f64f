// The canvas: xyflow with one card component for the nine node types, dropping palette items
// where they land, connecting handles into edges (one per handle), and selecting a node for
// the side panel.

import "@xyflow/react/dist/style.css";

import { Background, Controls, MiniMap, ReactFlow, useReactFlow } from "@xyflow/react";
import type { NodeTypes } from "@xyflow/react";
import type { DragEvent } from "react";
import { useTranslation } from "react-i18next";

import { NODE_TYPES } from "../../../automation/flows/types";
import type { NodeType } from "../../../automation/flows/types";
import { FlowNodeCard } from "./FlowNodeCard";
import { DRAG_TYPE } from "./Palette";
import type { BuilderState } from "./useBuilder";

const nodeTypes: NodeTypes = Object.fromEntries(NODE_TYPES.map((type) => [type, FlowNodeCard]));

export function Canvas({ b, readOnly }: { b: BuilderState; readOnly: boolean }) {
  const { t } = useTranslation();
  const flow = useReactFlow();
  const onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
  };
  const onDrop = (e: DragEvent) => {
    const type = e.dataTransfer.getData(DRAG_TYPE) as NodeType;
    if (!NODE_TYPES.includes(type)) return;
    e.preventDefault();
    b.addNode(type, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };
  return (
    <div className="h-full w-full" onDragOver={onDragOver} onDrop={onDrop} aria-label={t("automation.builder.canvas")} role="region">
      <ReactFlow
        nodes={b.nodes}
        edges={b.edges}
        nodeTypes={nodeTypes}
        onNodesChange={b.onNodesChange}
        onEdgesChange={b.onEdgesChange}
        onConnect={b.onConnect}
        onNodeClick={(_, n) => b.setSelectedId(n.id)}
        onPaneClick={() => b.setSelectedId(null)}
        onNodesDelete={(ns) => ns.forEach((n) => b.deleteNode(n.id))}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        elementsSelectable
        deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
        defaultEdgeOptions={{ type: "smoothstep" }}
        fitView
        fitViewOptions={{ maxZoom: 1 }}
        minZoom={0.2}
        ariaLabelConfig={{
          "node.a11yDescription.default": t("automation.canvas.node"),
          "node.a11yDescription.keyboardDisabled": t("automation.canvas.node"),
          "node.a11yDescription.ariaLiveMessage": ({ direction, x, y }) => t("automation.canvas.moved", { direction, x, y }),
          "edge.a11yDescription.default": t("automation.canvas.edge"),
          "controls.ariaLabel": t("automation.canvas.controls"),
          "controls.zoomIn.ariaLabel": t("automation.canvas.zoomIn"),
          "controls.zoomOut.ariaLabel": t("automation.canvas.zoomOut"),
          "controls.fitView.ariaLabel": t("automation.canvas.fitView"),
          "controls.interactive.ariaLabel": t("automation.canvas.interactive"),
          "minimap.ariaLabel": t("automation.canvas.minimap"),
          "handle.ariaLabel": t("automation.canvas.handle"),
        }}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable className="!hidden md:!block" />
      </ReactFlow>
    </div>
  );
}
