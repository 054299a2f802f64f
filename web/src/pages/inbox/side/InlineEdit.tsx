import { Check, Pencil, X } from "lucide-react";
import type { ReactNode } from "react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { IconButton } from "../../../components/ui/Button";
import { Input } from "../../../components/ui/Field";
import { cn } from "../../../lib/cn";

interface InlineEditProps {
  value: string;
  /** Names the field for screen readers ("Nome", "E-mail", the attribute's key). */
  label: string;
  /** What shows when not editing (defaults to the value, or a dash). */
  display?: ReactNode;
  onSave: (text: string) => void;
  saving?: boolean;
  disabled?: boolean;
  type?: "text" | "email";
  className?: string;
  testId?: string;
}

/** A value with a pencil: click to edit in place, Enter saves, Escape cancels. */
export function InlineEdit({ value, label, display, onSave, saving, disabled, type = "text", className, testId }: InlineEditProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <span className={cn("group flex min-w-0 items-center gap-1", className)}>
        <span className="min-w-0 flex-1 truncate" data-testid={testId}>
          {display ?? (value || "—")}
        </span>
        {disabled ? null : (
          <IconButton
            label={t("common.editItem", { name: label })}
            icon={<Pencil aria-hidden className="size-3.5" />}
            className="size-7 shrink-0 text-slate-400 hover:text-slate-700"
            onClick={() => setDraft(value)}
          />
        )}
      </span>
    );
  }
  const save = () => {
    if (draft.trim() !== value.trim()) onSave(draft);
    setDraft(null);
  };
  return (
    <form
      className={cn("flex min-w-0 items-center gap-1", className)}
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <Input
        autoFocus
        type={type}
        aria-label={label}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            setDraft(null);
          }
        }}
        className="h-8 min-w-0 flex-1 px-2"
      />
      <IconButton type="submit" label={t("common.save")} loading={saving} icon={<Check aria-hidden className="size-4" />} className="size-8 text-brand-700" />
      <IconButton label={t("common.cancel")} icon={<X aria-hidden className="size-4" />} className="size-8" onClick={() => setDraft(null)} />
    </form>
  );
}

/** A titled block of the panel. */
export function PanelSection({ title, children, action }: { title: ReactNode; children: ReactNode; action?: ReactNode }) {
  return (
    <section className="border-b border-slate-100 px-4 py-3">
      <div className="mb-2 flex min-h-7 items-center justify-between gap-2">
        <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</h3>
        {action}
      </div>
      {children}
    </section>
  );
}
