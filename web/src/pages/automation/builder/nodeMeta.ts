// Each node type's icon and colour on the palette and the canvas.

import { ArrowRightLeft, CircleStop, Clock, GitBranch, MessageCircleQuestionMark, MessageSquare, Play, Tag, Webhook } from "lucide-react";
import type { ComponentType } from "react";

import type { NodeType } from "../../../automation/flows/types";

export interface NodeMeta {
  icon: ComponentType<{ className?: string; "aria-hidden"?: boolean }>;
  /** Classes of the icon's badge. */
  tone: string;
}

export const NODE_META: Record<NodeType, NodeMeta> = {
  start: { icon: Play, tone: "bg-brand-100 text-brand-800" },
  message: { icon: MessageSquare, tone: "bg-sky-100 text-sky-800" },
  question: { icon: MessageCircleQuestionMark, tone: "bg-violet-100 text-violet-800" },
  condition: { icon: GitBranch, tone: "bg-amber-100 text-amber-800" },
  delay: { icon: Clock, tone: "bg-slate-200 text-slate-700" },
  webhook: { icon: Webhook, tone: "bg-fuchsia-100 text-fuchsia-800" },
  tag: { icon: Tag, tone: "bg-teal-100 text-teal-800" },
  transfer: { icon: ArrowRightLeft, tone: "bg-orange-100 text-orange-800" },
  end: { icon: CircleStop, tone: "bg-rose-100 text-rose-800" },
};
