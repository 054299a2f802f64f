import { useTranslation } from "react-i18next";

import { Dialog } from "../../../components/ui/Dialog";

const KEYS: Array<[string[], "next" | "previous" | "search" | "clearSearch" | "help"]> = [
  [["Alt", "↓"], "next"],
  [["j"], "next"],
  [["Alt", "↑"], "previous"],
  [["k"], "previous"],
  [["/"], "search"],
  [["Esc"], "clearSearch"],
  [["?"], "help"],
];

/** The "?" dialog listing the inbox's keyboard shortcuts. */
export function ShortcutsHelp({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t("conv.shortcuts.title")} description={t("conv.shortcuts.description")}>
      <dl className="divide-y divide-slate-100 text-sm">
        {KEYS.map(([keys, action]) => (
          <div key={keys.join("+")} className="flex items-center justify-between gap-4 py-2">
            <dt className="text-slate-700">{t(`conv.shortcuts.${action}`)}</dt>
            <dd className="flex gap-1">
              {keys.map((k) => (
                <kbd key={k} className="min-w-7 rounded-md border border-slate-300 bg-slate-50 px-1.5 py-0.5 text-center font-mono text-xs text-slate-700 shadow-xs">
                  {k}
                </kbd>
              ))}
            </dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
