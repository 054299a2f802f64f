import * as Dropdown from "@radix-ui/react-dropdown-menu";
import { useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useNavigate, useRouter, useRouterState } from "@tanstack/react-router";
import { Building2, Check, ChevronsUpDown, Contact, Inbox, LogOut, Settings, ShieldCheck, UserRound, Workflow } from "lucide-react";
import type { ComponentType } from "react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import { Logo } from "../../auth/AuthLayout";
import { useSession } from "../../auth/session";
import { useStartSession } from "../../auth/useSignedIn";
import { setLanguage } from "../../i18n";
import { cn } from "../../lib/cn";
import { useMe } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";
import { Attention, openConversationId } from "../../inbox/Attention";
import { useTitlePrefix } from "../../inbox/attentionState";
import { RealtimeBridge } from "../../inbox/RealtimeBridge";
import { Button } from "../ui/Button";
import { AccountMenu } from "./AccountMenu";
import { ErrorState, Spinner } from "../ui/States";
import { toast } from "../ui/Toaster";

interface NavItem {
  to: "/inbox" | "/contacts" | "/automation/flows" | "/settings" | "/profile" | "/admin/tenants";
  label: string;
  /** For the phone's bottom tabs. */
  short: string;
  icon: ComponentType<{ className?: string; "aria-hidden"?: boolean }>;
}

function useNavItems(): NavItem[] {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const items: NavItem[] = [];
  if (me?.tenant) {
    items.push(
      { to: "/inbox", label: t("nav.inbox"), short: t("nav.short.inbox"), icon: Inbox },
      { to: "/contacts", label: t("nav.contacts"), short: t("nav.short.contacts"), icon: Contact },
    );
    // Flows, rules and campaigns are set up by supervisors and admins.
    if (can(me.tenant.role, "flows.manage")) {
      items.push({ to: "/automation/flows", label: t("automation.nav.title"), short: t("automation.nav.short"), icon: Workflow });
    }
    items.push(
      { to: "/settings", label: t("nav.settings"), short: t("nav.short.settings"), icon: Settings },
    );
  }
  items.push({ to: "/profile", label: t("nav.profile"), short: t("nav.short.profile"), icon: UserRound });
  if (me?.user.is_super_admin) items.push({ to: "/admin/tenants", label: t("nav.admin"), short: t("nav.short.admin"), icon: ShieldCheck });
  return items;
}

function useLogout() {
  const qc = useQueryClient();
  const signOut = useSession((s) => s.signOut);
  const navigate = useNavigate();
  return async () => {
    try {
      await unwrap(api.POST("/api/v1/auth/logout", {}));
    } catch {
      // The session ends here whatever the server says.
    }
    // Leave the signed-in layout first, so it does not also react to the session ending.
    await navigate({ to: "/login", search: { redirect: undefined } });
    signOut(null);
    qc.clear();
  };
}

function TenantSwitcher({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const { message } = useApiError();
  const { data: me } = useMe();
  const startSession = useStartSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  if (!me) return null;
  const current = me.tenant;
  const others = me.tenants;
  const label = current?.name ?? t("shell.platform");

  if (others.length <= 1) {
    return (
      <div className={cn("flex min-w-0 items-center gap-2 px-2 py-1.5", compact && "px-0")}>
        <Building2 aria-hidden className="size-4 shrink-0 text-brand-200" />
        <span className="truncate text-sm font-medium">{label}</span>
      </div>
    );
  }

  const switchTo = async (slug: string) => {
    setBusy(true);
    try {
      const tokens = await unwrap(api.POST("/api/v1/auth/switch-tenant", { body: { tenant: slug } }));
      await startSession(tokens);
      await navigate({ to: "/inbox" });
    } catch (e) {
      toast.error(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dropdown.Root>
      <Dropdown.Trigger
        className={cn(
          "flex w-full min-w-0 items-center gap-2 rounded-lg px-2 py-1.5 text-left hover:bg-white/10",
          compact && "w-auto max-w-48",
        )}
        aria-label={t("shell.switchTenant")}
      >
        <Building2 aria-hidden className="size-4 shrink-0 text-brand-200" />
        <span className="flex-1 truncate text-sm font-medium">{label}</span>
        {busy ? <Spinner className="text-white" /> : <ChevronsUpDown aria-hidden className="size-4 shrink-0 opacity-70" />}
      </Dropdown.Trigger>
      <Dropdown.Portal>
        <Dropdown.Content align="start" sideOffset={6} className="z-50 min-w-56 rounded-lg border border-slate-200 bg-white p-1 shadow-lg">
          <Dropdown.Label className="px-2 py-1.5 text-xs font-medium text-slate-500">{t("shell.yourTenants")}</Dropdown.Label>
          {others.map((tn) => (
            <Dropdown.Item
              key={tn.id}
              disabled={tn.status !== "active" || tn.id === current?.id}
              onSelect={() => void switchTo(tn.slug)}
              className="flex cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-sm text-slate-800 outline-none data-[disabled]:cursor-default data-[disabled]:text-slate-400 data-[highlighted]:bg-brand-50"
            >
              <span className="flex-1 truncate">{tn.name}</span>
              {tn.status !== "active" ? <span className="text-xs">{t("tenantStatus.suspended")}</span> : null}
              {tn.id === current?.id ? <Check aria-hidden className="size-4 text-brand-700" /> : null}
            </Dropdown.Item>
          ))}
        </Dropdown.Content>
      </Dropdown.Portal>
    </Dropdown.Root>
  );
}

function ImpersonationBanner() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const logout = useLogout();
  if (!me?.impersonator_id) return null;
  return (
    <div role="status" className="flex items-center justify-center gap-3 bg-amber-100 px-4 py-1.5 text-sm text-amber-900">
      <span>{t("shell.impersonating", { tenant: me.tenant?.name ?? "" })}</span>
      <button type="button" className="font-medium underline" onClick={() => void logout()}>
        {t("shell.endImpersonation")}
      </button>
    </div>
  );
}

/** Signed-in layout: sidebar (desktop) or top bar and bottom tabs (phone), and the page. */
export function AppShell() {
  const { t } = useTranslation();
  const session = useSession((s) => s.session);
  const navigate = useNavigate();
  const router = useRouter();
  const me = useMe();
  const items = useNavItems();
  const logout = useLogout();

  // The session ended (refresh refused, signed out in another tab): back to sign-in, then here.
  const leaving = useRef(false);
  useEffect(() => {
    if (session) {
      leaving.current = false;
      return;
    }
    if (leaving.current) return;
    leaving.current = true;
    const here = router.state.location.href;
    void navigate({ to: "/login", search: { redirect: here.startsWith("/login") ? undefined : here }, replace: true });
  }, [session, navigate, router]);

  useEffect(() => {
    if (me.data?.user.locale) void setLanguage(me.data.user.locale);
  }, [me.data?.user.locale]);

  const pathname = useRouterState({ select: (s) => s.location.pathname });
  // Inside an open chat a phone gives the whole height to the conversation, as WhatsApp does: no
  // bottom tabs (the chat header's back arrow returns to the list).
  const inChat = openConversationId(pathname) !== undefined;
  // The tab title names the section, prefixed by the inbox's unread count: "(3) Caixa de entrada · Atende".
  const section = items.find((it) => pathname.startsWith(it.to))?.label;
  const unread = useTitlePrefix();
  useEffect(() => {
    document.title = `${unread}${section ? `${section} · Atende` : "Atende"}`;
    return () => {
      document.title = "Atende"; // signed out: no count of someone else's unread on the sign-in page
    };
  }, [section, unread]);

  // A platform-only session (super admin without a tenant) has no inbox, contacts or settings.
  const platformOnly = me.data !== undefined && !me.data.tenant;
  const tenantPage = !pathname.startsWith("/profile") && !pathname.startsWith("/admin");
  useEffect(() => {
    if (platformOnly && tenantPage) {
      void navigate({ to: me.data?.user.is_super_admin ? "/admin/tenants" : "/profile", replace: true });
    }
  }, [platformOnly, tenantPage, navigate, me.data?.user.is_super_admin]);

  if (!session) return null;
  if (me.isPending) {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="mx-auto max-w-md p-6">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
        <div className="mt-4 flex justify-center">
          <Button variant="ghost" onClick={() => void logout()}>
            {t("shell.signOut")}
          </Button>
        </div>
      </div>
    );
  }

  const user = me.data.user;
  return (
    <div className="flex h-full flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:m-2 focus:rounded focus:bg-white focus:p-2">
        {t("shell.skipToContent")}
      </a>
      <ImpersonationBanner />
      {me.data.tenant ? (
        <>
          <RealtimeBridge />
          <Attention />
        </>
      ) : null}
      <div className="flex min-h-0 flex-1">
        {/* Sidebar: md and up. */}
        <aside className="hidden w-60 shrink-0 flex-col bg-brand-900 text-white md:flex">
          <div className="flex items-center gap-2 px-4 pt-4 pb-3">
            <Logo className="size-8" />
            <span className="text-lg font-semibold tracking-tight">Atende</span>
          </div>
          <div className="px-2 pb-3">
            <TenantSwitcher />
          </div>
          <nav aria-label={t("nav.main")} className="flex-1 space-y-0.5 px-2">
            {items.map((it) => (
              <Link
                key={it.to}
                to={it.to}
                className="flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium text-brand-100 hover:bg-white/10 hover:text-white"
                activeProps={{ className: "bg-white/15 text-white", "aria-current": "page" }}
              >
                <it.icon aria-hidden className="size-5" />
                {it.label}
              </Link>
            ))}
          </nav>
          <div className="border-t border-white/10 p-3">
            <div className="mb-2 min-w-0 px-1">
              <p className="truncate text-sm font-medium">{user.name}</p>
              <p className="truncate text-xs text-brand-200">{user.email}</p>
            </div>
            <button type="button" className="flex h-8 w-full items-center gap-2 rounded-lg px-2 text-sm font-medium text-brand-100 hover:bg-white/10 hover:text-white" onClick={() => void logout()}>
              <LogOut aria-hidden className="size-4" />
              {t("shell.signOut")}
            </button>
          </div>
        </aside>

        <div className="flex min-w-0 flex-1 flex-col">
          {/* Top bar: phones. */}
          <header className="flex h-14 shrink-0 items-center justify-between gap-2 bg-brand-900 px-3 text-white md:hidden">
            <div className="flex min-w-0 items-center gap-2">
              <Logo className="size-7" />
              <TenantSwitcher compact />
            </div>
            <AccountMenu name={user.name} email={user.email} onSignOut={logout} />
          </header>
          {/* A reserved scrollbar gutter: content does not jump when a list grows past the fold. */}
          <main id="main" className="min-h-0 flex-1 overflow-y-auto [scrollbar-gutter:stable]">
            <Outlet />
          </main>
          {/* Bottom tabs: phones. */}
          <nav aria-label={t("nav.main")} className={cn("grid shrink-0 border-t border-slate-200 bg-white pb-[env(safe-area-inset-bottom)] md:hidden", inChat && "hidden")} style={{ gridTemplateColumns: `repeat(${items.length}, minmax(0, 1fr))` }}>
            {items.map((it) => (
              <Link
                key={it.to}
                to={it.to}
                className="flex h-14 flex-col items-center justify-center gap-0.5 text-[11px] font-medium text-slate-500"
                activeProps={{ className: "text-brand-700", "aria-current": "page" }}
              >
                <it.icon aria-hidden className="size-5" />
                <span className="max-w-full truncate px-1">{it.short}</span>
              </Link>
            ))}
          </nav>
        </div>
      </div>
    </div>
  );
}
