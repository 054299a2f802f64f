import { CheckCircle2, X, XCircle } from "lucide-react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { create } from "zustand";

/** A button in the toast (e.g. "Desfazer"); pressing it runs `run` and closes the toast. */
export interface ToastAction {
  label: string;
  run: () => void;
}

interface Toast {
  id: number;
  kind: "success" | "error";
  text: string;
  action?: ToastAction;
}

interface ToastState {
  toasts: Toast[];
  push: (kind: Toast["kind"], text: string, action?: ToastAction) => void;
  dismiss: (id: number) => void;
}

let seq = 0;

export const useToasts = create<ToastState>((set) => ({
  toasts: [],
  push: (kind, text, action) => set((s) => ({ toasts: [...s.toasts.slice(-3), { id: ++seq, kind, text, action }] })),
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((x) => x.id !== id) })),
}));

export const toast = {
  success: (text: string, action?: ToastAction) => useToasts.getState().push("success", text, action),
  error: (text: string) => useToasts.getState().push("error", text),
};

function ToastItem({ toast: item }: { toast: Toast }) {
  const { t } = useTranslation();
  const dismiss = useToasts((s) => s.dismiss);
  useEffect(() => {
    // An error or an offer to undo stays long enough to be read and acted on.
    const h = setTimeout(() => dismiss(item.id), item.kind === "error" || item.action ? 8000 : 4000);
    return () => clearTimeout(h);
  }, [item, dismiss]);
  const Icon = item.kind === "success" ? CheckCircle2 : XCircle;
  return (
    <div className="pointer-events-auto flex w-80 max-w-[calc(100vw-2rem)] items-start gap-3 rounded-lg bg-slate-900 px-4 py-3 text-sm text-white shadow-lg">
      <Icon aria-hidden className={item.kind === "success" ? "size-5 shrink-0 text-brand-200" : "size-5 shrink-0 text-red-300"} />
      <p className="flex-1">{item.text}</p>
      {item.action ? (
        <button
          type="button"
          data-testid="toast-action"
          onClick={() => {
            item.action?.run();
            dismiss(item.id);
          }}
          className="-my-0.5 rounded px-1.5 py-0.5 font-semibold text-brand-200 uppercase hover:bg-white/10 hover:text-white"
        >
          {item.action.label}
        </button>
      ) : null}
      <button type="button" onClick={() => dismiss(item.id)} aria-label={t("common.close")} className="rounded p-0.5 text-slate-300 hover:text-white">
        <X aria-hidden className="size-4" />
      </button>
    </div>
  );
}

/** Where toasts appear (announced politely to screen readers). */
export function Toaster() {
  const toasts = useToasts((s) => s.toasts);
  return (
    <div aria-live="polite" className="pointer-events-none fixed right-4 bottom-20 z-[60] flex flex-col gap-2 md:bottom-4">
      {toasts.map((x) => (
        <ToastItem key={x.id} toast={x} />
      ))}
    </div>
  );
}
