import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { LANGUAGES, setLanguage } from "../i18n";
import type { Language } from "../i18n";

export function Logo({ className = "size-9" }: { className?: string }) {
  return <img src="/icons/icon.svg" alt="" aria-hidden className={className} width={36} height={36} />;
}

/** The centered card of the sign-in pages, with a language picker. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="flex min-h-full flex-col items-center justify-center bg-gradient-to-b from-brand-50 to-slate-50 px-4 py-10">
      <main className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <Logo />
          <span className="text-2xl font-semibold tracking-tight text-brand-900">Atende</span>
        </div>
        <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
          {subtitle ? <p className="mt-1 text-sm text-slate-600">{subtitle}</p> : null}
          <div className="mt-5">{children}</div>
        </div>
        <div className="mt-6 flex justify-center">
          <label className="flex items-center gap-2 text-xs text-slate-500">
            <span>{t("profile.language")}</span>
            <select
              className="rounded-md border-0 bg-transparent py-1 text-xs text-slate-700 ring-1 ring-slate-300"
              value={i18n.language}
              onChange={(e) => void setLanguage(e.target.value)}
            >
              {LANGUAGES.map((l: Language) => (
                <option key={l} value={l}>
                  {t(`languages.${l}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </main>
    </div>
  );
}
