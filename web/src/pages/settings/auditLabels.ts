import type { i18n as I18n } from "i18next";

/**
 * The label of an audit action code (`members.invite` → "Convidou pessoa") in the UI language,
 * from `people.audit.<area>.<action>`; a code without a label (a new action, another module's)
 * shows as itself rather than as nothing.
 */
export function auditActionLabel(i18n: Pick<I18n, "getResource" | "language">, code: string): string {
  const [area, ...rest] = code.split(".");
  if (!area || rest.length === 0) return code;
  const label: unknown = i18n.getResource(i18n.language, "translation", ["people", "audit", area, rest.join(".")].join("."));
  return typeof label === "string" && label.trim() !== "" ? label : code;
}
