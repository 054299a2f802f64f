// i18next with pt-BR (default), en and es, bundled (no network). The language is the signed-in
// user's locale; before sign-in, the last one chosen in this browser or the browser's own.

import i18n from "i18next";
import { initReactI18next } from "react-i18next";

import { translations } from "./locales";

export const LANGUAGES = ["pt-BR", "en", "es"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "pt-BR";

export const resources = {
  "pt-BR": { translation: translations["pt-BR"] },
  en: { translation: translations.en },
  es: { translation: translations.es },
} as const;

const STORAGE_KEY = "atende.lang";

/** Maps any BCP 47 tag to one of ours (pt-PT → pt-BR, en-US → en, es-AR → es). */
export function pickLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (lower.startsWith("pt")) return "pt-BR";
  if (lower.startsWith("en")) return "en";
  if (lower.startsWith("es")) return "es";
  return null;
}

function initialLanguage(): Language {
  try {
    const saved = pickLanguage(localStorage.getItem(STORAGE_KEY));
    if (saved) return saved;
  } catch {
    // no storage
  }
  if (typeof navigator !== "undefined") {
    for (const tag of navigator.languages ?? [navigator.language]) {
      const l = pickLanguage(tag);
      if (l) return l;
    }
  }
  return DEFAULT_LANGUAGE;
}

function applyToDocument(lang: string) {
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

/** Switches the UI language and remembers it for the sign-in page. */
export async function setLanguage(tag: string | null | undefined) {
  const lang = pickLanguage(tag) ?? DEFAULT_LANGUAGE;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // no storage
  }
  if (i18n.language !== lang) await i18n.changeLanguage(lang);
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyToDocument(i18n.language);
i18n.on("languageChanged", applyToDocument);

export default i18n;
