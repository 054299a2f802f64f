// The composer's emoji picker: a popover with categories, search in the UI language and recent
// picks. The data (emojibase-data, names and keywords in pt/en/es) is bundled with the app and
// loaded on first open as its own chunk: nothing comes from a CDN.

import { useQuery } from "@tanstack/react-query";
import type { CompactEmoji } from "emojibase";
import { Smile } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import { IconButton } from "../../../components/ui/Button";
import { Spinner } from "../../../components/ui/States";
import { cn } from "../../../lib/cn";
import { fold } from "./text";

const loaders: Record<string, () => Promise<{ default: CompactEmoji[] }>> = {
  "pt-BR": () => import("emojibase-data/pt/compact.json"),
  en: () => import("emojibase-data/en/compact.json"),
  es: () => import("emojibase-data/es/compact.json"),
};

/** emojibase's groups, without 2 (skin-tone components), each with the emoji on its tab. */
const GROUPS: Array<[number, string]> = [
  [0, "😀"],
  [1, "👋"],
  [3, "🐶"],
  [4, "🍔"],
  [5, "✈️"],
  [6, "⚽"],
  [7, "💡"],
  [8, "❤️"],
  [9, "🏁"],
];

const RECENT_KEY = "atende.emoji.recent";
const RECENT_MAX = 24;

function readRecent(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

function remember(emoji: string) {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify([emoji, ...readRecent().filter((e) => e !== emoji)].slice(0, RECENT_MAX)));
  } catch {
    // no storage
  }
}

interface Entry {
  unicode: string;
  label: string;
  group: number;
  hay: string;
}

function useEmojiData(lang: string) {
  return useQuery({
    queryKey: ["emoji-data", lang],
    staleTime: Infinity,
    gcTime: Infinity,
    queryFn: async (): Promise<Entry[]> => {
      const { default: list } = await (loaders[lang] ?? loaders["pt-BR"]!)();
      return list
        .filter((e) => e.group !== undefined && e.group !== 2)
        .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
        .map((e) => ({ unicode: e.unicode, label: e.label, group: e.group ?? 0, hay: fold([e.label, ...(e.tags ?? [])].join(" ")) }));
    },
  });
}

// A plain signature: with i18next's key-typed `t` here, TypeScript gives up ("excessively deep")
// once the translation tree passes ~700 keys.
function groupLabel(t: Translate, g: number): string {
  switch (g) {
    case 0:
      return t("chat.emoji.groups.smileys");
    case 1:
      return t("chat.emoji.groups.people");
    case 3:
      return t("chat.emoji.groups.animals");
    case 4:
      return t("chat.emoji.groups.food");
    case 5:
      return t("chat.emoji.groups.travel");
    case 6:
      return t("chat.emoji.groups.activities");
    case 7:
      return t("chat.emoji.groups.objects");
    case 8:
      return t("chat.emoji.groups.symbols");
    default:
      return t("chat.emoji.groups.flags");
  }
}

function EmojiPanel({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const data = useEmojiData(i18n.language);
  const [query, setQuery] = useState("");
  const [recent] = useState(readRecent);
  const [group, setGroup] = useState<number>(recent.length ? -1 : 0);

  const shown = useMemo(() => {
    const list = data.data ?? [];
    const words = fold(query).split(/\s+/).filter(Boolean);
    if (words.length) return list.filter((e) => words.every((w) => e.hay.includes(w))).slice(0, 160);
    if (group === -1) return recent.map((u) => list.find((e) => e.unicode === u) ?? { unicode: u, label: u, group: -1, hay: "" });
    return list.filter((e) => e.group === group);
  }, [data.data, query, group, recent]);

  const pick = (emoji: string) => {
    remember(emoji);
    onPick(emoji);
  };

  const tabs: Array<[number, string, string]> = [...(recent.length ? ([[-1, "🕘", t("chat.emoji.recent")]] as Array<[number, string, string]>) : []), ...GROUPS.map(([g, icon]): [number, string, string] => [g, icon, groupLabel(t as unknown as Translate, g)])];

  return (
    <div
      role="dialog"
      data-state="open"
      aria-label={t("chat.emoji.title")}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
      className="absolute bottom-full left-0 z-30 mb-2 flex w-[min(22rem,calc(100vw-1rem))] flex-col rounded-xl bg-white shadow-xl ring-1 ring-slate-200"
    >
      <div className="p-2">
        <input
          autoFocus
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && shown[0]) {
              e.preventDefault();
              pick(shown[0].unicode);
            }
          }}
          placeholder={t("chat.emoji.search")}
          aria-label={t("chat.emoji.search")}
          className="h-9 w-full rounded-lg border-0 bg-slate-100 px-3 text-sm focus:ring-2 focus:ring-brand-600 focus:outline-none"
        />
      </div>
      {!query ? (
        <div role="tablist" aria-label={t("chat.emoji.groupsLabel")} className="flex gap-0.5 overflow-x-auto border-b border-slate-100 px-2 pb-1">
          {tabs.map(([g, icon, label]) => (
            <button
              key={g}
              type="button"
              role="tab"
              aria-selected={group === g}
              aria-label={label}
              title={label}
              onClick={() => setGroup(g)}
              className={cn("flex size-8 shrink-0 items-center justify-center rounded-md text-lg", group === g ? "bg-brand-100" : "hover:bg-slate-100")}
            >
              {icon}
            </button>
          ))}
        </div>
      ) : null}
      <div className="h-56 overflow-y-auto p-1.5">
        {data.isPending ? (
          <div className="flex h-full items-center justify-center">
            <Spinner />
          </div>
        ) : shown.length === 0 ? (
          <p className="p-4 text-center text-sm text-slate-500">{t("common.noResults")}</p>
        ) : (
          <div className="grid grid-cols-8 gap-0.5">
            {shown.map((e) => (
              <button
                key={e.unicode}
                type="button"
                aria-label={e.label}
                title={e.label}
                onClick={() => pick(e.unicode)}
                className="flex aspect-square items-center justify-center rounded-md text-2xl hover:bg-slate-100 focus-visible:bg-slate-100"
              >
                {e.unicode}
              </button>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

/** A smiley button that opens the picker above it; `onPick` gets the emoji. */
export function EmojiPicker({ onPick, disabled }: { onPick: (emoji: string) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", away);
    return () => document.removeEventListener("pointerdown", away);
  }, [open]);
  return (
    <div ref={box} className="relative shrink-0">
      <IconButton
        label={t("chat.emoji.open")}
        icon={<Smile aria-hidden className="size-5" />}
        aria-expanded={open}
        aria-haspopup="dialog"
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
        className="rounded-full text-slate-600"
      />
      {open ? (
        <EmojiPanel
          onPick={(e) => {
            onPick(e);
          }}
          onClose={() => {
            setOpen(false);
            // Back to the smiley (the panel and its focus go away).
            box.current?.querySelector<HTMLButtonElement>("button[aria-haspopup]")?.focus();
          }}
        />
      ) : null}
    </div>
  );
}
