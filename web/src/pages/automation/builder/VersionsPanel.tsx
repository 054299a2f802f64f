// The side panel's "Versões" tab: every published version, newest first, the one in use marked.

import { useTranslation } from "react-i18next";

import { Badge } from "../../../components/ui/Page";
import { ErrorState, LoadingBlock } from "../../../components/ui/States";
import { formatDateTime } from "../../../lib/format";
import { useFlowVersions } from "../../../automation/flows/api";

export function VersionsPanel({ flowId, current }: { flowId: string; current: number | null }) {
  const { t } = useTranslation();
  const q = useFlowVersions(flowId);
  if (q.isPending) return <div className="p-4"><LoadingBlock rows={2} /></div>;
  if (q.isError) return <div className="p-4"><ErrorState error={q.error} onRetry={() => void q.refetch()} /></div>;
  const items = [...q.data].sort((a, b) => b.version - a.version);
  return (
    <div className="space-y-3 p-4">
      <p className="text-xs text-slate-500">{t("automation.versions.hint")}</p>
      {items.length === 0 ? (
        <p className="text-sm text-slate-500">{t("automation.versions.none")}</p>
      ) : (
        <ol aria-label={t("automation.versions.title")} className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {items.map((v) => (
            <li key={v.id} className="flex items-center gap-2 px-3 py-2 text-sm">
              <span className="font-medium text-slate-800">{t("automation.versions.version", { version: v.version })}</span>
              {v.version === current ? <Badge tone="green">{t("automation.versions.current")}</Badge> : null}
              <span className="ml-auto text-xs text-slate-500">{formatDateTime(v.created_at)}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
