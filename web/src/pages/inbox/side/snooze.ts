// When a snooze ends, in the agent's own time zone (the browser's): in an hour, tomorrow at 9:00,
// next Monday at 9:00, or a chosen moment from a datetime-local input.

const HOUR = 3_600_000;

function at9(d: Date): Date {
  const out = new Date(d);
  out.setHours(9, 0, 0, 0);
  return out;
}

export function inOneHour(now: Date): Date {
  return new Date(now.getTime() + HOUR);
}

export function tomorrowMorning(now: Date): Date {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  return at9(d);
}

/** The next Monday after today (a week ahead on a Monday) at 9:00. */
export function nextMondayMorning(now: Date): Date {
  const d = new Date(now);
  const days = ((8 - d.getDay()) % 7) || 7;
  d.setDate(d.getDate() + days);
  return at9(d);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A Date as a datetime-local input's value ("2026-11-22T18:40", local time). */
export function toLocalInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an instant, or null when empty or not in the future. */
export function fromLocalInput(value: string, now: Date): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()) || d.getTime() <= now.getTime()) return null;
  return d.toISOString();
}

export const SNOOZE_PRESETS = [
  ["oneHour", inOneHour],
  ["tomorrow", tomorrowMorning],
  ["nextWeek", nextMondayMorning],
] as const;
