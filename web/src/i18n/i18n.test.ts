import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

import { translations } from "./locales";

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const locales: Record<string, Map<string, string>> = {
  "pt-BR": flatten(translations["pt-BR"] as unknown as Tree),
  en: flatten(translations.en as unknown as Tree),
  es: flatten(translations.es as unknown as Tree),
};
const reference = locales["pt-BR"]!;

const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("translations", () => {
  for (const [lang, keys] of Object.entries(locales)) {
    it(`${lang} has exactly the keys of pt-BR`, () => {
      const missing = [...reference.keys()].filter((k) => !keys.has(k));
      const extra = [...keys.keys()].filter((k) => !reference.has(k));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });

    it(`${lang} has no empty strings and the same placeholders as pt-BR`, () => {
      for (const [k, v] of keys) {
        expect(v.trim(), `${lang}:${k} is empty`).not.toBe("");
        expect(vars(v), `${lang}:${k} placeholders`).toEqual(vars(reference.get(k) ?? ""));
      }
    });
  }

  it("has both plural forms wherever one exists", () => {
    for (const k of reference.keys()) {
      if (k.endsWith("_one")) expect(reference.has(k.replace(/_one$/, "_other")), k).toBe(true);
      if (k.endsWith("_other")) expect(reference.has(k.replace(/_other$/, "_one")), k).toBe(true);
    }
  });

  it("has a key for every literal t(\"…\") call in the sources", () => {
    const root = path.resolve(__dirname, "..");
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(name) && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) files.push(p);
      }
    };
    walk(root);
    const used = new Set<string>();
    for (const f of files) {
      for (const m of readFileSync(f, "utf8").matchAll(/\bt\(\s*"([A-Za-z0-9_.-]+)"/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((k) => !reference.has(k) && !reference.has(`${k}_one`));
    expect(missing).toEqual([]);
  });
});
