// /automation/flows/$flowId: the flow builder (loaded lazily with @xyflow/react). Palette on the
// left, canvas in the middle, the side panel on the right; Save stores the draft, Publish
// validates it and snapshots a version, showing what is wrong on the nodes when it is refused.

import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { Link, useBlocker, useParams } from "@tanstack/react-router";
import { ArrowLeft, Rocket, Save } from "lucide-react";
import { useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { Button } from "../../components/ui/Button";
import { ConfirmDialog } from "../../components/ui/Dialog";
import { Badge } from "../../components/ui/Page";
import { Alert, ErrorState, Spinner } from "../../components/ui/States";
import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useFlow } from "../../automation/flows/api";
import { placeIssues } from "../../automation/flows/issues";
import { NODE_SPACE, freeSpot } from "../../automation/flows/model";
import type { Flow, NodeType } from "../../automation/flows/types";
import { Canvas } from "./builder/Canvas";
import type { CanvasView } from "./builder/context";
import { CanvasViewContext } from "./builder/context";
import { IssuesBanner } from "./builder/IssuesBanner";
import { nameIn, useLookups } from "./builder/forms/lookups";
import { Palette } from "./builder/Palette";
import { SidePanel } from "./builder/SidePanel";
import type { PanelTab } from "./builder/SidePanel";
import { useBuilder } from "./builder/useBuilder";

function Builder({ flow, readOnly }: { flow: Flow; readOnly: boolean }) {
  const { t } = useTranslation();
  const b = useBuilder(flow);
  const lookups = useLookups();
  const [tab, setTab] = useState<PanelTab>("flow");
  const [path, setPath] = useState<string[]>([]);
  const placed = useMemo(() => placeIssues(b.issues, b.nodes.map((n) => n.id)), [b.issues, b.nodes]);
  const view: CanvasView = useMemo(
    () => ({
      issues: placed.onNodes,
      path: new Set(path),
      last: path.at(-1) ?? null,
      names: { tag: (id) => nameIn(lookups.tags, id), target: (to, id) => nameIn(lookups.targets[to], id) },
    }),
    [placed.onNodes, path, lookups],
  );
  // Leaving with unsaved changes asks first (in the app, and when closing the tab).
  const blocker = useBlocker({ shouldBlockFn: () => b.dirty && !readOnly, enableBeforeUnload: () => b.dirty && !readOnly, withResolver: true });
  const hasStart = b.nodes.some((n) => n.type === "start");
  const rf = useReactFlow();
  const canvasRef = useRef<HTMLDivElement>(null);
  // A clicked block lands right of the selected one, or in the middle of what is on screen, in
  // the first free spot below that; the view follows when it lands out of sight.
  const add = (type: NodeType) => {
    const r = canvasRef.current?.getBoundingClientRect();
    const mid = r ? rf.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 3 }) : { x: 0, y: 0 };
    const wanted = b.selected ? { x: b.selected.position.x + NODE_SPACE.width, y: b.selected.position.y } : { x: mid.x - NODE_SPACE.width / 2, y: mid.y };
    const at = freeSpot(b.nodes, wanted);
    b.addNode(type, at);
    if (r && r.width > 0 && r.height > 0) {
      const topLeft = rf.screenToFlowPosition({ x: r.left, y: r.top });
      const bottomRight = rf.screenToFlowPosition({ x: r.right, y: r.bottom });
      const inView = at.x >= topLeft.x && at.y >= topLeft.y && at.x + NODE_SPACE.width <= bottomRight.x && at.y + NODE_SPACE.height <= bottomRight.y;
      if (!inView) void rf.setCenter(at.x + NODE_SPACE.width / 2, at.y + NODE_SPACE.height / 2, { zoom: rf.getZoom(), duration: 200 });
    }
    setTab("node");
  };
  return (
    <div className="flex h-full min-h-0 flex-col">
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-3 py-2">
        <Link to="/automation/flows" className="rounded-md p-1 text-slate-600 hover:bg-slate-100" aria-label={t("automation.builder.back")}>
          <ArrowLeft aria-hidden className="size-5" />
        </Link>
        <h1 className="min-w-0 truncate text-base font-semibold text-slate-900">{b.settings.name || flow.name}</h1>
        {flow.published_version !== null ? (
          <Badge tone="green">{t("automation.versions.version", { version: flow.published_version })}</Badge>
        ) : (
          <Badge>{t("automation.flows.draft")}</Badge>
        )}
        {b.dirty ? <span className="text-xs text-amber-700">{t("automation.builder.unsaved")}</span> : null}
        <div className="ml-auto flex gap-2">
          {readOnly ? (
            <span className="text-xs text-slate-500">{t("automation.builder.readOnly")}</span>
          ) : (
            <>
              <Button variant="secondary" size="sm" icon={<Save aria-hidden className="size-4" />} loading={b.saving} disabled={!b.dirty} onClick={() => void b.save()}>
                {t("common.save")}
              </Button>
              <Button size="sm" icon={<Rocket aria-hidden className="size-4" />} loading={b.publishing} onClick={() => void b.publish()}>
                {t("automation.builder.publish")}
              </Button>
            </>
          )}
        </div>
      </header>
      <IssuesBanner placed={placed} />
      {blocker.status === "blocked" ? (
        <ConfirmDialog
          open
          onOpenChange={(o) => !o && blocker.reset()}
          title={t("automation.builder.leaveTitle")}
          description={t("automation.builder.leaveText")}
          confirmLabel={t("automation.builder.leave")}
          danger
          onConfirm={blocker.proceed}
        />
      ) : null}
      {b.dropped > 0 ? (
        <div className="px-3 pt-2">
          <Alert kind="warning">{t("automation.builder.dropped", { count: b.dropped })}</Alert>
        </div>
      ) : null}
      <div className="flex min-h-0 flex-1">
        {readOnly ? null : (
          <aside className="hidden w-44 shrink-0 overflow-y-auto border-r border-slate-200 bg-slate-50 md:block">
            <Palette onAdd={add} hasStart={hasStart} />
          </aside>
        )}
        <div ref={canvasRef} className="min-w-0 flex-1 bg-slate-50">
          <CanvasViewContext.Provider value={view}>
            <Canvas
              readOnly={readOnly}
              b={{
                ...b,
                setSelectedId: (id) => {
                  b.setSelectedId(id);
                  if (id) setTab("node");
                },
              }}
            />
          </CanvasViewContext.Provider>
        </div>
        <aside className="flex w-80 shrink-0 flex-col border-l border-slate-200 bg-white lg:w-96">
          <SidePanel b={b} flow={flow} tab={tab} onTab={setTab} lookups={lookups} readOnly={readOnly} onPath={setPath} />
        </aside>
      </div>
    </div>
  );
}

export function FlowBuilderPage() {
  const { flowId } = useParams({ from: "/app/automation/flows/$flowId" });
  const q = useFlow(flowId);
  const role = useRole();
  if (q.isPending) {
    return (
      <div className="flex justify-center p-10">
        <Spinner />
      </div>
    );
  }
  if (q.isError) {
    return (
      <div className="mx-auto max-w-md p-6">
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <Builder key={q.data.id} flow={q.data} readOnly={!can(role, "flows.manage")} />
    </ReactFlowProvider>
  );
}
