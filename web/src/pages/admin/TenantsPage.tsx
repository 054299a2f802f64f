import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { Building2, LogIn, Plus } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Schemas } from "../../api/client";
import { useStartSession } from "../../auth/useSignedIn";
import { Button } from "../../components/ui/Button";
import { ConfirmDialog, Dialog } from "../../components/ui/Dialog";
import { Field, Input, Select } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { Badge, PageHeader } from "../../components/ui/Page";
import { Segmented } from "../../components/ui/Segmented";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { LANGUAGES } from "../../i18n";
import { formatDate } from "../../lib/format";
import { useMe } from "../../lib/me";
import { useApiError } from "../../lib/useApiError";
import { TimeZonePicker } from "../settings/TimeZonePicker";

type Tenant = Schemas["TenantView"];
type StatusFilter = "all" | "active" | "suspended";

/** A slug suggestion from a name: "Loja São João" → "loja-sao-joao". */
export function slugify(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/g, "");
}

function CreateTenantDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const [timeZone, setTimeZone] = useState("America/Sao_Paulo");
  const [locale, setLocale] = useState("pt-BR");
  const [adminEmail, setAdminEmail] = useState("");
  const [adminName, setAdminName] = useState("");
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/tenants", {
          body: {
            name: name.trim(),
            slug: slug.trim(),
            time_zone: timeZone,
            locale: locale as Schemas["Locale"],
            admin: { email: adminEmail.trim(), name: adminName.trim() || null, password: null },
          },
        }),
      ),
    onSuccess: (r) => {
      toast.success(t("admin.tenants.created", { name: r.tenant.name, email: r.admin.email }));
      void qc.invalidateQueries({ queryKey: ["tenants"] });
      onClose();
    },
  });
  const err = create.error;
  const known = ["name", "slug", "time_zone", "locale", "admin.email", "email", "admin.name"];
  const general = err && known.every((f) => !field(err, f)) ? message(err) : null;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={t("admin.tenants.create")} description={t("admin.tenants.createDescription")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <Field label={t("admin.tenants.name")} error={field(err, "name")}>
          <Input
            required
            autoFocus
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
          />
        </Field>
        <Field label={t("admin.tenants.slug")} error={field(err, "slug")} hint={t("admin.tenants.slugHint")}>
          <Input
            required
            value={slug}
            className="font-mono"
            onChange={(e) => {
              setSlugTouched(true);
              setSlug(e.target.value.toLowerCase());
            }}
          />
        </Field>
        <div className="grid gap-x-4 sm:grid-cols-2">
          <Field label={t("settings.tenant.timeZone")} error={field(err, "time_zone")}>
            <TimeZonePicker name="new-tenant-time-zone" value={timeZone} onChange={setTimeZone} />
          </Field>
          <Field label={t("settings.tenant.locale")} error={field(err, "locale")}>
            <Select value={locale} onChange={(e) => setLocale(e.target.value)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`languages.${l}`)}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <fieldset className="rounded-lg border border-slate-200 p-3">
          <legend className="px-1 text-sm font-medium text-slate-700">{t("admin.tenants.firstAdmin")}</legend>
          <Field label={t("common.email")} error={field(err, "admin.email") ?? field(err, "email")} hint={t("admin.tenants.adminHint")}>
            <Input type="email" required value={adminEmail} onChange={(e) => setAdminEmail(e.target.value)} />
          </Field>
          <Field label={t("common.nameOptional")} error={field(err, "admin.name")}>
            <Input value={adminName} onChange={(e) => setAdminName(e.target.value)} />
          </Field>
        </fieldset>
        <div className="flex justify-end gap-2 pt-3">
          <Button variant="secondary" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t("admin.tenants.create")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function TenantsPage() {
  const { t } = useTranslation();
  const { message } = useApiError();
  const { data: me } = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const startSession = useStartSession();
  const [status, setStatus] = useState<StatusFilter>("all");
  const [creating, setCreating] = useState(false);
  const [toggling, setToggling] = useState<Tenant | null>(null);
  const [entering, setEntering] = useState<Tenant | null>(null);
  const q = useInfiniteQuery({
    queryKey: ["tenants", status],
    enabled: me?.user.is_super_admin === true,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/v1/tenants", { params: { query: { limit: 50, cursor: pageParam, status: status === "all" ? undefined : status } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const toggle = useMutation({
    mutationFn: (tn: Tenant) =>
      unwrap(
        api.PATCH("/api/v1/tenants/{tenant}", {
          params: { path: { tenant: tn.id } },
          body: { status: tn.status === "active" ? "suspended" : "active" },
        }),
      ),
    onSuccess: (tn) => {
      toast.success(tn.status === "active" ? t("admin.tenants.reactivated", { name: tn.name }) : t("admin.tenants.suspended", { name: tn.name }));
      void qc.invalidateQueries({ queryKey: ["tenants"] });
    },
    onError: (e) => toast.error(message(e)),
    onSettled: () => setToggling(null),
  });
  const enter = useMutation({
    mutationFn: (tn: Tenant) => unwrap(api.POST("/api/v1/tenants/{tenant}/impersonate", { params: { path: { tenant: tn.id } } })),
    onSuccess: async (tokens) => {
      await startSession(tokens);
      await navigate({ to: "/inbox" });
    },
    onError: (e) => toast.error(message(e)),
    onSettled: () => setEntering(null),
  });

  if (!me?.user.is_super_admin) {
    return (
      <div className="mx-auto max-w-md p-6">
        <EmptyState title={t("errors.forbidden_page")} />
      </div>
    );
  }
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-8">
      <PageHeader
        title={t("admin.tenants.title")}
        description={t("admin.tenants.description")}
        actions={<Button icon={<Plus aria-hidden className="size-4" />} onClick={() => setCreating(true)}>{t("admin.tenants.create")}</Button>}
      />
      <div className="mb-4">
        <Segmented
          label={t("common.filter")}
          value={status}
          onChange={setStatus}
          options={[
            { value: "all", label: t("common.all") },
            { value: "active", label: t("tenantStatus.active") },
            { value: "suspended", label: t("tenantStatus.suspended") },
          ]}
        />
      </div>
      {q.isPending ? (
        <LoadingBlock rows={4} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Building2 aria-hidden />} title={t("admin.tenants.empty")} />
      ) : (
        <>
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            {items.map((tn) => (
              <li key={tn.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                    {tn.name}
                    <Badge tone={tn.status === "active" ? "green" : "red"}>{tn.status === "active" ? t("tenantStatus.active") : t("tenantStatus.suspended")}</Badge>
                  </p>
                  <p className="text-xs text-slate-500">
                    <span className="font-mono">{tn.slug}</span> · {tn.time_zone} · {formatDate(tn.created_at)}
                  </p>
                </div>
                {tn.status === "active" ? (
                  <Button variant="secondary" size="sm" icon={<LogIn aria-hidden className="size-4" />} onClick={() => setEntering(tn)}>
                    {t("admin.tenants.enter")}
                  </Button>
                ) : null}
                <Button variant={tn.status === "active" ? "ghost-danger" : "ghost"} size="sm" onClick={() => setToggling(tn)}>
                  {tn.status === "active" ? t("admin.tenants.suspend") : t("admin.tenants.reactivate")}
                </Button>
              </li>
            ))}
          </ul>
          <LoadMore hasMore={q.hasNextPage} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
        </>
      )}
      {creating ? <CreateTenantDialog onClose={() => setCreating(false)} /> : null}
      <ConfirmDialog
        open={toggling !== null}
        onOpenChange={(o) => !o && setToggling(null)}
        title={toggling?.status === "active" ? t("admin.tenants.suspendTitle", { name: toggling.name }) : t("admin.tenants.reactivateTitle", { name: toggling?.name ?? "" })}
        description={toggling?.status === "active" ? t("admin.tenants.suspendText") : t("admin.tenants.reactivateText")}
        confirmLabel={toggling?.status === "active" ? t("admin.tenants.suspend") : t("admin.tenants.reactivate")}
        danger={toggling?.status === "active"}
        loading={toggle.isPending}
        onConfirm={() => toggling && toggle.mutate(toggling)}
      />
      <ConfirmDialog
        open={entering !== null}
        onOpenChange={(o) => !o && setEntering(null)}
        title={t("admin.tenants.enterTitle", { name: entering?.name ?? "" })}
        description={t("admin.tenants.enterText")}
        confirmLabel={t("admin.tenants.enter")}
        loading={enter.isPending}
        onConfirm={() => entering && enter.mutate(entering)}
      />
    </div>
  );
}
