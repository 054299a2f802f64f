// What a node says about itself on the canvas: a one-line summary of its config and the label of
// each handle it leaves by.

import type { Translate } from "../../api/errors";
import { delayParts } from "./limits";
import { DEFAULT, ELSE, FAILURE, INVALID, SUCCESS, TIMEOUT } from "./model";
import type { NodeShape } from "./model";
import type { TransferTo } from "./types";

export interface Names {
  tag: (id: string) => string;
  target: (to: TransferTo, id: string) => string;
}

const short = (s: string, max = 80) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The one-line summary under a node's title ("" when there is nothing to say yet). */
export function nodeSummary(t: Translate, node: NodeShape, names: Names): string {
  switch (node.type) {
    case "start":
      return t("automation.summary.start");
    case "message": {
      const c = node.config;
      if (c.type === "media") return `${t(`automation.message.media.${c.kind}`)}: ${short(c.caption || c.url, 60)}`;
      if (c.type === "template") return c.name ? t("automation.summary.template", { name: c.name, language: c.language }) : "";
      return short(c.text);
    }
    case "question":
      return short(node.config.prompt);
    case "condition":
      return t("automation.summary.branches", { count: node.config.branches.length });
    case "delay": {
      const { amount, unit } = delayParts(node.config.seconds);
      return t("automation.summary.delay", { amount, unit: t(`automation.delay.units.${unit}`).toLowerCase() });
    }
    case "webhook":
      return node.config.url ? `${node.config.method ?? "POST"} ${short(node.config.url, 60)}` : "";
    case "tag": {
      const parts = [...node.config.add.map((id) => `+${names.tag(id) || "?"}`), ...node.config.remove.map((id) => `−${names.tag(id) || "?"}`)];
      return parts.join(" ");
    }
    case "transfer": {
      const c = node.config;
      if (!c.id) return "";
      return `${t(`automation.transfer.targets.${c.to}`)}: ${names.target(c.to, c.id) || "?"}`;
    }
    case "end":
      return node.config.resolve ? t("automation.summary.endResolve") : t("automation.summary.end");
  }
}

/** The label of one handle ("" for a node's only way out). */
export function handleLabel(t: Translate, node: NodeShape, handle: string): string {
  switch (node.type) {
    case "question": {
      if (handle === DEFAULT) return t("automation.handles.answered");
      if (handle === INVALID) return t("automation.handles.invalid");
      if (handle === TIMEOUT) return t("automation.handles.timeout");
      const o = (node.config.options ?? []).find((x) => x.id === handle);
      return o?.title || handle;
    }
    case "condition":
      return handle === ELSE ? t("automation.handles.else") : handle;
    case "webhook":
      if (handle === SUCCESS) return t("automation.handles.success");
      if (handle === FAILURE) return t("automation.handles.failure");
      return handle;
    default:
      return "";
  }
}
