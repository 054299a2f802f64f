// /automation/flows: the tenant's chatbot flows — name, whether it runs (a switch), the
// published version, the last change and what starts it — and "Novo fluxo".

import { Link, useNavigate } from "@tanstack/react-router";
import { Plus, Trash2, Workflow } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { Translate } from "../../api/errors";
import { Button, IconButton } from "../../components/ui/Button";
import { ConfirmDialog, Dialog } from "../../components/ui/Dialog";
import { Field, Input, Textarea } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { Badge, PageHeader } from "../../components/ui/Page";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { Switch } from "../../components/ui/Switch";
import { toast } from "../../components/ui/Toaster";
import { useChannels } from "../../inbox/lookups";
import { formatDateTime } from "../../lib/format";
import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";
import { useCreateFlow, useDeleteFlow, useFlows, useUpdateFlow } from "../../automation/flows/api";
import { starterDefinition } from "../../automation/flows/model";
import { triggersSummary } from "../../automation/flows/triggers";
import type { Flow } from "../../automation/flows/types";

function NewFlowDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const navigate = useNavigate();
  const create = useCreateFlow();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const err = create.error;
  const general = err && !field(err, "name") ? message(err) : null;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={t("automation.flows.create")} description={t("automation.flows.createHint")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (!name.trim()) return;
          create.mutate(
            { name: name.trim(), description: description.trim() || null, definition: starterDefinition(), triggers: [], priority: 0, active: false },
            { onSuccess: (flow) => void navigate({ to: "/automation/flows/$flowId", params: { flowId: flow.id } }) },
          );
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <Field label={t("common.name")} error={field(err, "name")}>
          <Input required autoFocus maxLength={120} value={name} onChange={(e) => setName(e.target.value)} placeholder={t("automation.flows.namePlaceholder")} />
        </Field>
        <Field label={t("common.descriptionOptional")}>
          <Textarea rows={2} maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
            {t("automation.flows.createSubmit")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function FlowRow({ flow, manage, onDelete }: { flow: Flow; manage: boolean; onDelete: (f: Flow) => void }) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  const { message } = useApiError();
  const channels = useChannels();
  const update = useUpdateFlow();
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? "";
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3" data-testid="flow-row">
      <div className="min-w-0 flex-1 basis-64">
        <Link to="/automation/flows/$flowId" params={{ flowId: flow.id }} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
          {flow.name}
        </Link>
        <p className="truncate text-xs text-slate-500">{triggersSummary(tr, flow.triggers, channelName)}</p>
      </div>
      <div className="w-28 shrink-0">
        {flow.published_version !== null ? (
          <Badge tone="green">{t("automation.versions.version", { version: flow.published_version })}</Badge>
        ) : (
          <Badge>{t("automation.flows.notPublished")}</Badge>
        )}
      </div>
      <p className="w-40 shrink-0 text-xs text-slate-500">{t("automation.flows.updated", { at: formatDateTime(flow.updated_at) })}</p>
      <Switch
        checked={flow.active}
        disabled={!manage || update.isPending}
        label={t("automation.flows.activeFor", { name: flow.name })}
        onChange={(active) =>
          update.mutate(
            { id: flow.id, body: { active } },
            {
              onSuccess: () => toast.success(active ? t("automation.flows.activated", { name: flow.name }) : t("automation.flows.deactivated", { name: flow.name })),
              onError: (e) => toast.error(message(e)),
            },
          )
        }
      />
      {manage ? <IconButton label={t("common.deleteItem", { name: flow.name })} icon={<Trash2 aria-hidden className="size-4" />} variant="ghost-danger" onClick={() => onDelete(flow)} /> : null}
    </li>
  );
}

export function FlowsPage() {
  const { t } = useTranslation();
  const { message } = useApiError();
  const role = useRole();
  const manage = can(role, "flows.manage");
  const q = useFlows();
  const del = useDeleteFlow();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Flow | null>(null);
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="mx-auto max-w-5xl p-4 md:p-6">
      <PageHeader
        title={t("automation.flows.title")}
        description={t("automation.flows.description")}
        actions={manage ? <Button icon={<Plus aria-hidden className="size-4" />} onClick={() => setCreating(true)}>{t("automation.flows.create")}</Button> : null}
      />
      {q.isPending ? (
        <LoadingBlock />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Workflow aria-hidden />} title={t("automation.flows.empty")}>
          {t("automation.flows.emptyText")}
        </EmptyState>
      ) : (
        <>
          <ul aria-label={t("automation.flows.title")} className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            {items.map((f) => (
              <FlowRow key={f.id} flow={f} manage={manage} onDelete={setDeleting} />
            ))}
          </ul>
          <LoadMore hasMore={q.hasNextPage} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
        </>
      )}
      {creating ? <NewFlowDialog onClose={() => setCreating(false)} /> : null}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={t("automation.flows.deleteTitle", { name: deleting?.name ?? "" })}
        description={t("automation.flows.deleteText")}
        confirmLabel={t("common.delete")}
        danger
        loading={del.isPending}
        onConfirm={() =>
          deleting &&
          del.mutate(deleting.id, {
            onSuccess: () => toast.success(t("common.deleted")),
            onError: (e) => toast.error(message(e)),
            onSettled: () => setDeleting(null),
          })
        }
      />
    </div>
  );
}
