import * as Label from "@radix-ui/react-label";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { cloneElement, forwardRef, isValidElement, useId } from "react";

import { cn } from "../../lib/cn";

const control =
  "block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-brand-600 focus:outline-none disabled:bg-slate-100 disabled:text-slate-500 aria-invalid:ring-red-500";

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input(
  { className, ...rest },
  ref,
) {
  return <input ref={ref} className={cn(control, "h-10", className)} {...rest} />;
});

export const Select = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement>>(function Select(
  { className, ...rest },
  ref,
) {
  return <select ref={ref} className={cn(control, "h-10 pr-8", className)} {...rest} />;
});

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement>>(
  function Textarea({ className, ...rest }, ref) {
    return <textarea ref={ref} className={cn(control, "min-h-20", className)} {...rest} />;
  },
);

interface FieldProps {
  label: ReactNode;
  /** A single control element; it receives id, aria-invalid and aria-describedby. */
  children: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
}

/** A label, a control, and its hint or error, wired for screen readers. */
export function Field({ label, children, hint, error, className }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(" ") || undefined;
  const child = isValidElement<Record<string, unknown>>(children)
    ? cloneElement(children, {
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy,
      })
    : children;
  return (
    <div className={cn("space-y-1.5", className)}>
      <Label.Root htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </Label.Root>
      {child}
      {hint && !error ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {/* Reserve one line so an error appearing does not shift the form. */}
      <p id={errId} role={error ? "alert" : undefined} className="min-h-4 text-xs text-red-600">
        {error ?? ""}
      </p>
    </div>
  );
}
