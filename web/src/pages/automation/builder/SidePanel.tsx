// The builder's right-hand panel: the selected node, the flow's settings, its versions and the
// simulator, as tabs.

import * as Tabs from "@radix-ui/react-tabs";
import { useTranslation } from "react-i18next";

import type { Flow } from "../../../automation/flows/types";
import type { Lookups } from "./forms/lookups";
import { NodePanel } from "./NodePanel";
import { SettingsPanel } from "./SettingsPanel";
import { Simulator } from "./Simulator";
import type { BuilderState } from "./useBuilder";
import { VersionsPanel } from "./VersionsPanel";

export type PanelTab = "node" | "flow" | "versions" | "simulator";
const TABS: PanelTab[] = ["node", "flow", "versions", "simulator"];

interface Props {
  b: BuilderState;
  flow: Flow;
  tab: PanelTab;
  onTab: (t: PanelTab) => void;
  lookups: Lookups;
  readOnly: boolean;
  onPath: (path: string[]) => void;
}

export function SidePanel({ b, flow, tab, onTab, lookups, readOnly, onPath }: Props) {
  const { t } = useTranslation();
  const trigger = "flex-1 border-b-2 border-transparent px-2 py-2 text-sm font-medium text-slate-600 data-[state=active]:border-brand-700 data-[state=active]:text-brand-800";
  const content = "min-h-0 flex-1 overflow-y-auto data-[state=inactive]:hidden";
  return (
    <Tabs.Root value={tab} onValueChange={(v) => onTab(v as PanelTab)} className="flex h-full min-h-0 flex-col">
      <Tabs.List aria-label={t("automation.builder.panel")} className="flex border-b border-slate-200">
        {/* Previewing is for those who may change the flow (the API refuses the others). */}
        {TABS.filter((k) => !(readOnly && k === "simulator")).map((k) => (
          <Tabs.Trigger key={k} value={k} className={trigger}>
            {t(`automation.builder.tabs.${k}`)}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      <Tabs.Content value="node" className={content}>
        <NodePanel node={b.selected} issues={b.selected ? (b.issues.byNode[b.selected.id] ?? []) : []} lookups={lookups} readOnly={readOnly} onChange={b.updateConfig} onDelete={b.deleteNode} nodes={b.nodes} edges={b.edges} onLink={b.linkHandle} />
      </Tabs.Content>
      <Tabs.Content value="flow" className={content}>
        <SettingsPanel settings={b.settings} onChange={b.setSettings} lookups={lookups} readOnly={readOnly} saveError={b.saveError} />
      </Tabs.Content>
      <Tabs.Content value="versions" className={content}>
        <VersionsPanel flowId={flow.id} current={flow.published_version} />
      </Tabs.Content>
      {/* Kept mounted: switching tabs does not lose the conversation. */}
      {readOnly ? null : (
        <Tabs.Content value="simulator" forceMount className="flex min-h-0 flex-1 flex-col data-[state=inactive]:hidden">
          <Simulator flowId={flow.id} ensureSaved={async () => (b.dirty ? b.save() : true)} onPath={onPath} onIssues={b.setIssues} />
        </Tabs.Content>
      )}
    </Tabs.Root>
  );
}
