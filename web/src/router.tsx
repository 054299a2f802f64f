import type { QueryClient } from "@tanstack/react-query";
import type { RouterHistory } from "@tanstack/react-router";
import {
  Link,
  Outlet,
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from "@tanstack/react-router";
import { useTranslation } from "react-i18next";

import { useSession } from "./auth/session";
import { AppShell } from "./components/shell/AppShell";
import { EmptyState, ErrorState, Spinner } from "./components/ui/States";
import { Toaster } from "./components/ui/Toaster";
import { ContactsPage } from "./pages/ContactsPage";
import { ContactPage } from "./pages/contacts/ContactPage";
import { InboxPage } from "./pages/InboxPage";
import { LoginPage } from "./pages/auth/LoginPage";
import { ForgotPasswordPage } from "./pages/auth/ForgotPasswordPage";
import { MagicLinkPage } from "./pages/auth/MagicLinkPage";
import { ResetPasswordPage } from "./pages/auth/ResetPasswordPage";

function NotFound() {
  const { t } = useTranslation();
  return (
    <div className="mx-auto max-w-md p-6">
      <EmptyState title={t("notFound.title")} action={<Link to="/" className="text-sm font-medium text-brand-700 underline">{t("notFound.home")}</Link>}>
        {t("notFound.text")}
      </EmptyState>
    </div>
  );
}

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: () => (
    <>
      <Outlet />
      <Toaster />
    </>
  ),
  notFoundComponent: NotFound,
  errorComponent: ({ error, reset }) => (
    <div className="mx-auto max-w-md p-6">
      <ErrorState error={error} onRetry={reset} />
    </div>
  ),
});

const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  validateSearch: (s: Record<string, unknown>) => ({ redirect: str(s.redirect) }),
  component: LoginPage,
});

const magicRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/auth/magic",
  validateSearch: (s: Record<string, unknown>) => ({ token: str(s.token) }),
  component: MagicLinkPage,
});

const forgotRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/auth/forgot",
  component: ForgotPasswordPage,
});

const resetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/auth/reset",
  validateSearch: (s: Record<string, unknown>) => ({ token: str(s.token) }),
  component: ResetPasswordPage,
});

/** Everything behind sign-in. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  beforeLoad: ({ location }) => {
    if (!useSession.getState().session) {
      throw redirect({ to: "/login", search: { redirect: location.href } });
    }
  },
  component: AppShell,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/inbox" });
  },
});

// The inbox is one layout (list, chat, side panel) whose open conversation is the child path:
// switching conversations keeps the list mounted (its scroll position and filters).
const inboxRoute = createRoute({ getParentRoute: () => appRoute, path: "/inbox", component: InboxPage });
const inboxIndexRoute = createRoute({ getParentRoute: () => inboxRoute, path: "/", component: () => null });
export const conversationRoute = createRoute({ getParentRoute: () => inboxRoute, path: "$conversationId", component: () => null });
const contactsRoute = createRoute({ getParentRoute: () => appRoute, path: "/contacts", component: ContactsPage });
const contactRoute = createRoute({ getParentRoute: () => appRoute, path: "/contacts/$contactId", component: ContactPage });
const profileRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/profile",
  component: lazyRouteComponent(() => import("./pages/ProfilePage"), "ProfilePage"),
});

const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/settings",
  component: lazyRouteComponent(() => import("./pages/settings/SettingsLayout"), "SettingsLayout"),
});
const settingsIndexRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: "/",
  component: lazyRouteComponent(() => import("./pages/settings/SettingsLayout"), "SettingsIndex"),
});
const settingsPage = <P extends string>(path: P, load: () => Promise<Record<string, unknown>>, name: string) =>
  createRoute({
    getParentRoute: () => settingsRoute,
    path,
    component: lazyRouteComponent(load as () => Promise<Record<string, React.ComponentType>>, name),
  });

const channelsRoute = settingsPage("/channels", () => import("./pages/settings/ChannelsPage"), "ChannelsPage");
const tagsRoute = settingsPage("/tags", () => import("./pages/settings/TagsPage"), "TagsPage");
const quickRepliesRoute = settingsPage("/quick-replies", () => import("./pages/settings/QuickRepliesPage"), "QuickRepliesPage");
const usersRoute = settingsPage("/users", () => import("./pages/settings/UsersPage"), "UsersPage");
const teamsRoute = settingsPage("/teams", () => import("./pages/settings/TeamsPage"), "TeamsPage");
const departmentsRoute = settingsPage("/departments", () => import("./pages/settings/DepartmentsPage"), "DepartmentsPage");
const tenantRoute = settingsPage("/tenant", () => import("./pages/settings/TenantPage"), "TenantPage");
const apiKeysRoute = settingsPage("/api-keys", () => import("./pages/settings/ApiKeysPage"), "ApiKeysPage");
const auditRoute = settingsPage("/audit", () => import("./pages/settings/AuditPage"), "AuditPage");

// Automation: the flows list and the builder (its own chunk: @xyflow/react stays out of the main
// bundle).
const automationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/automation",
  beforeLoad: ({ location }) => {
    if (location.pathname.replace(/\/$/, "") === "/automation") throw redirect({ to: "/automation/flows" });
  },
});
const flowsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/automation/flows",
  component: lazyRouteComponent(() => import("./pages/automation/FlowsPage"), "FlowsPage"),
});
const flowBuilderRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/automation/flows/$flowId",
  component: lazyRouteComponent(() => import("./pages/automation/FlowBuilderPage"), "FlowBuilderPage"),
});

const adminTenantsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/tenants",
  component: lazyRouteComponent(() => import("./pages/admin/TenantsPage"), "TenantsPage"),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  magicRoute,
  forgotRoute,
  resetRoute,
  appRoute.addChildren([
    indexRoute,
    inboxRoute.addChildren([inboxIndexRoute, conversationRoute]),
    contactsRoute,
    contactRoute,
    profileRoute,
    settingsRoute.addChildren([
      settingsIndexRoute,
      channelsRoute,
      tagsRoute,
      quickRepliesRoute,
      usersRoute, teamsRoute, departmentsRoute, tenantRoute, apiKeysRoute, auditRoute]),
    automationRoute,
    flowsRoute,
    flowBuilderRoute,
    adminTenantsRoute,
  ]),
]);

export function makeRouter(queryClient: QueryClient, history?: RouterHistory) {
  return createRouter({
    routeTree,
    history,
    context: { queryClient },
    defaultPreload: "intent",
    scrollRestoration: false,
    // A page whose code is still loading shows a spinner after a short delay (no flash).
    defaultPendingMs: 300,
    defaultPendingComponent: () => (
      <div className="flex justify-center p-10">
        <Spinner />
      </div>
    ),
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
