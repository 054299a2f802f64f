// Above the canvas after a refused publish: the flow's own issues, those of nodes no longer on
// the canvas, and how many nodes are marked.

import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import { issueText } from "../../../automation/flows/issues";
import type { PlacedIssues } from "../../../automation/flows/issues";

export function IssuesBanner({ placed }: { placed: PlacedIssues }) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  if (placed.banner.length === 0 && placed.nodeCount === 0) return null;
  return (
    <div role="alert" data-testid="issues-banner" className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800">
      {placed.nodeCount > 0 ? <p className="font-medium">{t("automation.builder.nodesWithIssues", { count: placed.nodeCount })}</p> : null}
      {placed.banner.length > 0 ? (
        <ul className="list-disc pl-5">
          {placed.banner.map((i, k) => (
            <li key={k}>
              {i.nodeId ? <span className="font-mono">{i.nodeId}: </span> : null}
              {issueText(tr, i)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
