import type { KeyboardEvent } from "react";
import { useRef } from "react";

import { cn } from "../../lib/cn";

/**
 * A row of mutually exclusive filter buttons: a radio group for assistive tech, with one tab stop
 * and the arrow keys (Home/End too) moving the choice.
 */
export function Segmented<V extends string>({ value, onChange, options, label }: { value: V; onChange: (v: V) => void; options: Array<{ value: V; label: string }>; label: string }) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKeyDown = (e: KeyboardEvent, i: number) => {
    const last = options.length - 1;
    const next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: last }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const j = (next + options.length) % options.length;
    onChange(options[j]!.value);
    refs.current[j]?.focus();
  };
  return (
    <div role="radiogroup" aria-label={label} className="inline-flex rounded-lg bg-slate-100 p-0.5">
      {options.map((o, i) => (
        <button
          key={o.value}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="radio"
          aria-checked={o.value === value}
          tabIndex={o.value === value ? 0 : -1}
          onClick={() => onChange(o.value)}
          onKeyDown={(e) => onKeyDown(e, i)}
          className={cn(
            "rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 transition-colors",
            o.value === value ? "bg-white text-slate-900 shadow-xs" : "hover:text-slate-900",
          )}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
