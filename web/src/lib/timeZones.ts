// The tenant's time-zone picker: Brazil's zones first (where most tenants are), then every other
// zone the browser knows, filtered by what the admin types.

/** Brazil's IANA zones, the most populous first (São Paulo/Brasília time, then the others). */
export const BRAZIL_ZONES = [
  "America/Sao_Paulo",
  "America/Manaus",
  "America/Belem",
  "America/Fortaleza",
  "America/Recife",
  "America/Bahia",
  "America/Cuiaba",
  "America/Campo_Grande",
  "America/Porto_Velho",
  "America/Boa_Vista",
  "America/Rio_Branco",
  "America/Noronha",
  "America/Araguaina",
  "America/Maceio",
  "America/Santarem",
  "America/Eirunepe",
] as const;

const BRAZIL: ReadonlySet<string> = new Set(BRAZIL_ZONES);

/** Folds case and accents, and treats `_` and `/` as spaces: "sao paulo" finds America/Sao_Paulo. */
export function foldZone(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[_/]+/g, " ")
    .trim();
}

/** How a zone reads: "America/Sao_Paulo" → "America / Sao Paulo". */
export function zoneLabel(zone: string): string {
  return zone.replaceAll("_", " ").replaceAll("/", " / ");
}

export interface ZoneGroups {
  brazil: string[];
  others: string[];
}

/**
 * The zones to offer for `query`: Brazil's in their fixed order, then the rest (`all`, e.g.
 * `Intl.supportedValuesOf("timeZone")`) alphabetically without duplicates. `current` is kept
 * even when the browser does not list it, so a saved value always shows.
 */
export function groupTimeZones(all: readonly string[], query = "", current?: string): ZoneGroups {
  const words = foldZone(query).split(" ").filter(Boolean);
  const matches = (z: string) => {
    const hay = foldZone(z);
    return words.every((w) => hay.includes(w));
  };
  const rest = new Set(all.filter((z) => !BRAZIL.has(z)));
  if (current && !BRAZIL.has(current)) rest.add(current);
  return {
    brazil: BRAZIL_ZONES.filter(matches),
    others: [...rest].sort((a, b) => a.localeCompare(b)).filter(matches),
  };
}

/** Every zone this browser knows (UTC at least). */
export function browserTimeZones(): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return all.length > 0 ? all : ["UTC"];
}
