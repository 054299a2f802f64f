import { Check, ChevronsUpDown } from "lucide-react";
import type { KeyboardEvent } from "react";
import { forwardRef, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { cn } from "../../lib/cn";
import { browserTimeZones, groupTimeZones, zoneLabel } from "../../lib/timeZones";

interface Props {
  value: string;
  onChange: (zone: string) => void;
  disabled?: boolean;
  name?: string;
  /** From `Field`: id and aria wiring for the input. */
  id?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}

/**
 * A searchable time-zone combobox (WAI-ARIA combobox with a listbox): type part of a name
 * ("manaus", "são paulo", "lisbon"), arrows to move, Enter to choose, Escape to close. Brazil's
 * zones come first in their own group.
 */
export const TimeZonePicker = forwardRef<HTMLInputElement, Props>(function TimeZonePicker({ value, onChange, disabled, name, ...aria }, ref) {
  const { t } = useTranslation();
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const all = useMemo(browserTimeZones, []);
  const groups = useMemo(() => groupTimeZones(all, query, value), [all, query, value]);
  const flat = [...groups.brazil, ...groups.others];

  const choose = (zone: string) => {
    onChange(zone);
    setOpen(false);
    setQuery("");
  };
  const move = (to: number) => {
    const i = Math.max(0, Math.min(flat.length - 1, to));
    setActive(i);
    listRef.current?.querySelector(`[data-index="${i}"]`)?.scrollIntoView?.({ block: "nearest" });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) setOpen(true);
      else move(active + 1);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      move(active - 1);
    } else if (e.key === "Enter" && open) {
      e.preventDefault();
      const z = flat[active];
      if (z) choose(z);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      setOpen(false);
      setQuery("");
    }
  };
  const option = (z: string, i: number) => (
    <li
      key={z}
      id={`${listId}-${i}`}
      data-index={i}
      role="option"
      aria-selected={z === value}
      onMouseDown={(e) => e.preventDefault()}
      onMouseEnter={() => setActive(i)}
      onClick={() => choose(z)}
      className={cn("flex cursor-pointer items-center justify-between gap-2 px-3 py-1.5 text-sm text-slate-800", i === active && "bg-brand-50")}
    >
      {zoneLabel(z)}
      {z === value ? <Check aria-hidden className="size-4 text-brand-700" /> : null}
    </li>
  );
  return (
    <div className="relative">
      <input
        ref={ref}
        {...aria}
        name={name}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={open && flat[active] ? `${listId}-${active}` : undefined}
        autoComplete="off"
        disabled={disabled}
        placeholder={t("people.timeZone.search")}
        value={open ? query : zoneLabel(value)}
        onFocus={() => {
          setOpen(true);
          setActive(Math.max(0, flat.indexOf(value)));
        }}
        onBlur={() => {
          setOpen(false);
          setQuery("");
        }}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        className="block h-10 w-full rounded-lg border-0 bg-white px-3 pr-9 text-sm text-slate-900 shadow-xs ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-brand-600 focus:outline-none disabled:bg-slate-100 disabled:text-slate-500 aria-invalid:ring-red-500"
      />
      <ChevronsUpDown aria-hidden className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-slate-400" />
      {open ? (
        <ul ref={listRef} id={listId} role="listbox" aria-label={t("settings.tenant.timeZone")} className="absolute z-20 mt-1 max-h-72 w-full overflow-auto rounded-lg bg-white py-1 shadow-lg ring-1 ring-slate-200">
          {flat.length === 0 ? <li className="px-3 py-2 text-sm text-slate-500">{t("common.noResults")}</li> : null}
          {groups.brazil.length ? (
            <li role="presentation" className="px-3 pt-1 pb-0.5 text-xs font-medium tracking-wide text-slate-500 uppercase">
              {t("people.timeZone.brazil")}
            </li>
          ) : null}
          {groups.brazil.map((z, i) => option(z, i))}
          {groups.others.length ? (
            <li role="presentation" className="px-3 pt-2 pb-0.5 text-xs font-medium tracking-wide text-slate-500 uppercase">
              {t("people.timeZone.others")}
            </li>
          ) : null}
          {groups.others.map((z, i) => option(z, groups.brazil.length + i))}
        </ul>
      ) : null}
    </div>
  );
});
