import i18n from "../i18n";

/** Date and time in the UI language, e.g. "22/11/2026 18:40". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: "short", timeStyle: "short" }).format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium" }).format(d);
}

/** IANA time zones known to this browser, with the platform default first. */
export function timeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const list = all.length > 0 ? all : ["America/Sao_Paulo", "UTC"];
  return list.includes("America/Sao_Paulo") ? list : ["America/Sao_Paulo", ...list];
}
