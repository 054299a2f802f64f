import { Link, Outlet, useRouterState } from "@tanstack/react-router";
import { Building, ChevronLeft, ChevronRight, KeyRound, MessageSquareText, Network, Plug, ScrollText, Tag, Users, UsersRound } from "lucide-react";
import type { ComponentType } from "react";
import { useTranslation } from "react-i18next";

import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";

type SectionPath = "/settings/channels" | "/settings/tags" | "/settings/quick-replies" | "/settings/users" | "/settings/teams" | "/settings/departments" | "/settings/tenant" | "/settings/api-keys" | "/settings/audit";

interface Section {
  to: SectionPath;
  title: string;
  description: string;
  icon: ComponentType<{ className?: string; "aria-hidden"?: boolean }>;
}

function useSections(): Section[] {
  const { t } = useTranslation();
  const role = useRole();
  const all: Array<Section & { show: boolean }> = [
    { to: "/settings/channels", title: t("settings.channels.title"), description: t("settings.channels.description"), icon: Plug, show: true },
    { to: "/settings/users", title: t("settings.users.title"), description: t("settings.users.description"), icon: Users, show: true },
    { to: "/settings/teams", title: t("settings.teams.title"), description: t("settings.teams.description"), icon: UsersRound, show: true },
    { to: "/settings/departments", title: t("settings.departments.title"), description: t("settings.departments.description"), icon: Network, show: true },
    { to: "/settings/quick-replies", title: t("settings.quickReplies.title"), description: t("settings.quickReplies.description"), icon: MessageSquareText, show: true },
    { to: "/settings/tags", title: t("settings.tags.title"), description: t("settings.tags.description"), icon: Tag, show: true },
    { to: "/settings/tenant", title: t("settings.tenant.title"), description: t("settings.tenant.description"), icon: Building, show: true },
    { to: "/settings/api-keys", title: t("settings.apiKeys.title"), description: t("settings.apiKeys.description"), icon: KeyRound, show: can(role, "api_keys.manage") },
    { to: "/settings/audit", title: t("settings.audit.title"), description: t("settings.audit.description"), icon: ScrollText, show: can(role, "audit.read") },
  ];
  return all.filter((s) => s.show);
}

/** Settings: a section list beside the section (desktop), or one of the two (phone). */
export function SettingsLayout() {
  const { t } = useTranslation();
  const sections = useSections();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const atIndex = path.replace(/\/$/, "") === "/settings";
  return (
    <div className="mx-auto flex max-w-6xl gap-8 p-4 md:p-8">
      <nav aria-label={t("nav.settings")} className="hidden w-56 shrink-0 lg:block">
        <h2 className="mb-3 px-3 text-xs font-semibold tracking-wide text-slate-500 uppercase">{t("nav.settings")}</h2>
        <ul className="space-y-0.5">
          {sections.map((s) => (
            <li key={s.to}>
              <Link
                to={s.to}
                className="flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
                activeProps={{ className: "bg-brand-50 text-brand-800", "aria-current": "page" }}
              >
                <s.icon aria-hidden className="size-4" />
                {s.title}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="min-w-0 flex-1">
        {!atIndex ? (
          <Link to="/settings" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-slate-600 hover:text-slate-900 lg:hidden">
            <ChevronLeft aria-hidden className="size-4" />
            {t("nav.settings")}
          </Link>
        ) : null}
        <Outlet />
      </div>
    </div>
  );
}

/** `/settings`: every section with what it is for. */
export function SettingsIndex() {
  const { t } = useTranslation();
  const sections = useSections();
  return (
    <div>
      <h1 className="mb-6 text-xl font-semibold text-slate-900">{t("nav.settings")}</h1>
      <ul className="grid gap-3 sm:grid-cols-2">
        {sections.map((s) => (
          <li key={s.to}>
            <Link to={s.to} className="flex items-center gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-xs hover:border-brand-200 hover:bg-brand-50/40">
              <span className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-brand-50 text-brand-700">
                <s.icon aria-hidden className="size-5" />
              </span>
              <span className="min-w-0 flex-1">
                <span className="block text-sm font-semibold text-slate-900">{s.title}</span>
                <span className="block text-sm text-slate-600">{s.description}</span>
              </span>
              <ChevronRight aria-hidden className="size-4 text-slate-400" />
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
