// Small pieces of the inbox shared by the list, the chat, the side panel and the notifications:
// the contact's avatar, the channel's icon, the status badge, the priority flag and the preview's
// media icon.

import { AlertTriangle, Camera, FileText, Flag, Globe, Image, LayoutTemplate, Mail, MapPin, MessageCircle, MessageSquare, Mic, Send, SmilePlus, Sticker, UserSquare, Video } from "lucide-react";
import type { ComponentType } from "react";
import { useTranslation } from "react-i18next";

import { Badge } from "../../../components/ui/Page";
import { cn } from "../../../lib/cn";
import { initials } from "./format";
import type { MediaType } from "./format";
import { channelFamily } from "../../../inbox/lookups";

const AVATAR_COLORS = [
  "bg-emerald-100 text-emerald-800",
  "bg-sky-100 text-sky-800",
  "bg-amber-100 text-amber-800",
  "bg-rose-100 text-rose-800",
  "bg-violet-100 text-violet-800",
  "bg-teal-100 text-teal-800",
  "bg-orange-100 text-orange-800",
  "bg-indigo-100 text-indigo-800",
];

/** A stable colour per id (the same contact always looks the same). */
function colorOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return AVATAR_COLORS[Math.abs(h) % AVATAR_COLORS.length]!;
}

/** Initials on a coloured circle (decorative: the name is always written next to it). */
export function Avatar({ id, name, className }: { id: string; name: string; className?: string }) {
  return (
    <span aria-hidden className={cn("flex size-11 shrink-0 items-center justify-center rounded-full text-sm font-semibold select-none", colorOf(id), className)}>
      {initials(name)}
    </span>
  );
}

type Icon = ComponentType<{ className?: string; "aria-hidden"?: boolean }>;

const CHANNEL_ICONS: Record<ReturnType<typeof channelFamily>, [Icon, string]> = {
  whatsapp: [MessageCircle, "text-emerald-600"],
  webchat: [Globe, "text-sky-600"],
  instagram: [Camera, "text-pink-600"],
  messenger: [MessageSquare, "text-blue-600"],
  telegram: [Send, "text-sky-500"],
  email: [Mail, "text-slate-500"],
  other: [MessageSquare, "text-slate-400"],
};

/** The channel's icon, labelled with the channel's name. */
export function ChannelIcon({ kind, name, className }: { kind: string | undefined; name: string | undefined; className?: string }) {
  const { t } = useTranslation();
  const family = channelFamily(kind);
  const [Glyph, color] = CHANNEL_ICONS[family];
  const label = name ?? t(`conv.channel.${family}`);
  return (
    <span role="img" aria-label={label} title={label} className={cn("inline-flex shrink-0", color, className)}>
      <Glyph aria-hidden className="size-3.5" />
    </span>
  );
}

const STATUS_TONES: Record<string, "green" | "amber" | "blue" | "slate" | "red"> = { open: "green", pending: "amber", waiting: "blue", resolved: "slate", archived: "slate", spam: "red" };

/** The conversation's status as a coloured badge (`conv.status.*`). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Badge tone={STATUS_TONES[status] ?? "slate"}>{t(`conv.status.${status}`, { defaultValue: status })}</Badge>;
}

const MEDIA_ICONS: Record<MediaType, Icon> = {
  image: Image,
  audio: Mic,
  video: Video,
  document: FileText,
  location: MapPin,
  contact: UserSquare,
  sticker: Sticker,
  reaction: SmilePlus,
  template: LayoutTemplate,
  interactive: LayoutTemplate,
  unsupported: AlertTriangle,
};

export function MediaIcon({ type }: { type: MediaType }) {
  const Glyph = MEDIA_ICONS[type];
  return <Glyph aria-hidden className="size-3.5 shrink-0 text-slate-400" />;
}

/** A flag for high and urgent conversations (nothing for low and normal). */
export function PriorityFlag({ priority }: { priority: string }) {
  const { t } = useTranslation();
  if (priority !== "high" && priority !== "urgent") return null;
  const label = t(`conv.priority.${priority}`);
  return (
    <span role="img" aria-label={label} title={label} className={priority === "urgent" ? "text-red-600" : "text-amber-500"}>
      <Flag aria-hidden className="size-3.5 fill-current" />
    </span>
  );
}
