// Joins class names; a later utility replaces an earlier one of the same group and variant
// (`h-10 … h-9` → `h-9`, `text-sm … text-lg` → `text-lg`), so components can take overrides.
// A small subset of what tailwind-merge does, for the utilities this app overrides.

const GROUPS: Array<[string, RegExp]> = [
  ["size", /^size-/],
  ["h", /^h-/],
  ["w", /^w-/],
  ["px", /^px-/],
  ["py", /^py-/],
  ["p", /^p-/],
  ["text-size", /^text-(xs|sm|base|lg|xl|\d?xl|\[\d.*\])$/],
  ["text-align", /^text-(left|center|right|justify)$/],
  ["text-color", /^text-/],
  ["bg", /^bg-/],
  ["justify", /^justify-/],
  ["font-weight", /^font-(thin|light|normal|medium|semibold|bold|extrabold|black)$/],
  ["font-family", /^font-/],
  ["tracking", /^tracking-/],
];

function groupOf(cls: string): string | null {
  const i = cls.lastIndexOf(":");
  const variant = i >= 0 ? cls.slice(0, i + 1) : "";
  const base = cls.slice(i + 1);
  for (const [name, re] of GROUPS) if (re.test(base)) return variant + name;
  return null;
}

export function cn(...parts: Array<string | false | null | undefined>): string {
  const tokens = parts.filter(Boolean).join(" ").split(/\s+/).filter(Boolean);
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = tokens.length - 1; i >= 0; i--) {
    const cls = tokens[i]!;
    const g = groupOf(cls);
    if (g) {
      if (seen.has(g)) continue;
      seen.add(g);
    }
    out.push(cls);
  }
  return out.reverse().join(" ");
}
