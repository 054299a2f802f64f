import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Save } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Schemas } from "../../api/client";
import { Button } from "../../components/ui/Button";
import { Field, Input, Select } from "../../components/ui/Field";
import { Card, PageHeader } from "../../components/ui/Page";
import { Alert, ErrorState, LoadingBlock } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { LANGUAGES } from "../../i18n";
import { assignOnReplyOf } from "../../inbox/lifecycle";
import { formatDate } from "../../lib/format";
import { meQueryKey, useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";
import { useTenantId } from "../../lib/useTenantId";
import { TimeZonePicker } from "./TimeZonePicker";

type Tenant = Schemas["TenantView"];

function TenantForm({ tenant, editable }: { tenant: Tenant; editable: boolean }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const [name, setName] = useState(tenant.name);
  const [timeZone, setTimeZone] = useState(tenant.time_zone);
  const [locale, setLocale] = useState(tenant.locale);
  const settings = (tenant.settings ?? {}) as Record<string, unknown>;
  const [assignOnReply, setAssignOnReply] = useState(assignOnReplyOf(settings));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH("/api/v1/tenants/{tenant}", {
          params: { path: { tenant: tenant.id } },
          body: { name: name.trim(), time_zone: timeZone, locale: locale as Schemas["Locale"], settings: { ...settings, assign_on_reply: assignOnReply } },
        }),
      ),
    onSuccess: (updated) => {
      qc.setQueryData(["tenant", tenant.id], updated);
      void qc.invalidateQueries({ queryKey: meQueryKey });
      toast.success(t("common.saved"));
    },
  });
  const err = save.error;
  const general = err && !field(err, "name") && !field(err, "time_zone") && !field(err, "locale") && !field(err, "settings") ? message(err) : null;
  const dirty = name !== tenant.name || timeZone !== tenant.time_zone || locale !== tenant.locale || assignOnReply !== assignOnReplyOf(settings);
  return (
    <Card>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <fieldset disabled={!editable} className="grid gap-x-4 sm:grid-cols-2">
          <Field label={t("settings.tenant.name")} error={field(err, "name")} className="sm:col-span-2">
            <Input name="tenant-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t("settings.tenant.timeZone")} error={field(err, "time_zone")} hint={t("settings.tenant.timeZoneHint")}>
            <TimeZonePicker name="tenant-time-zone" value={timeZone} onChange={setTimeZone} />
          </Field>
          <Field label={t("settings.tenant.locale")} error={field(err, "locale")} hint={t("settings.tenant.localeHint")}>
            <Select name="tenant-locale" value={locale} onChange={(e) => setLocale(e.target.value)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`languages.${l}`)}
                </option>
              ))}
            </Select>
          </Field>
          <div className="space-y-1 pb-4 sm:col-span-2">
            <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
              <input
                type="checkbox"
                name="tenant-assign-on-reply"
                className="accent-brand-700"
                aria-describedby="tenant-assign-on-reply-hint"
                checked={assignOnReply}
                onChange={(e) => setAssignOnReply(e.target.checked)}
              />
              {t("lifecycle.assignOnReply")}
            </label>
            <p id="tenant-assign-on-reply-hint" className="text-xs text-slate-500">
              {t("lifecycle.assignOnReplyHint")}
            </p>
            {field(err, "settings") ? <p className="text-xs text-red-700">{field(err, "settings")}</p> : null}
          </div>
        </fieldset>
        <dl className="grid gap-2 border-t border-slate-100 pt-4 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-500">{t("settings.tenant.slug")}</dt>
            <dd className="font-mono text-slate-800">{tenant.slug}</dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("common.createdAt")}</dt>
            <dd className="text-slate-800">{formatDate(tenant.created_at)}</dd>
          </div>
        </dl>
        {editable ? (
          <div className="flex justify-end pt-4">
            <Button type="submit" loading={save.isPending} disabled={!dirty} icon={<Save aria-hidden className="size-4" />}>
              {t("common.saveChanges")}
            </Button>
          </div>
        ) : null}
      </form>
    </Card>
  );
}

export function TenantPage() {
  const { t } = useTranslation();
  const id = useTenantId();
  const role = useRole();
  const q = useQuery({
    queryKey: ["tenant", id],
    enabled: id !== "",
    queryFn: () => unwrap(api.GET("/api/v1/tenants/{tenant}", { params: { path: { tenant: id } } })),
  });
  return (
    <div>
      <PageHeader title={t("settings.tenant.title")} description={t("settings.tenant.description")} />
      {q.isPending ? (
        <LoadingBlock rows={3} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <TenantForm key={q.data.updated_at} tenant={q.data} editable={can(role, "tenant.update")} />
      )}
    </div>
  );
}
