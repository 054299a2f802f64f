// Every HTTP call of the flows area (`/api/v1/flows…`), as TanStack Query hooks. A publish that
// the API refuses for the graph (422 `flow_invalid`) throws a FlowInvalidError carrying the
// issues per node.

import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { apiOrigin, authFetch } from "../../api/client";
import { ApiError, toApiError } from "../../api/errors";
import { useTenantId } from "../../lib/useTenantId";
import { parseFlowIssues } from "./issues";
import type { FlowIssues } from "./issues";
import type { Flow, FlowInput, FlowVersion, Preview } from "./types";

export type Paged<T> = { items: T[]; next_cursor?: string | null };

/** A publish refused because of the graph; `issues` says where. */
export class FlowInvalidError extends ApiError {
  readonly issues: FlowIssues;
  constructor(status: number, message: string, issues: FlowIssues) {
    super(status, "flow_invalid", message);
    this.name = "FlowInvalidError";
    this.issues = issues;
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(body);
  }
  const res = await authFetch(new Request(`${apiOrigin}/api/v1${path}`, init));
  const text = res.status === 204 ? "" : await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const issues = res.status === 422 ? parseFlowIssues(data) : null;
    if (issues) throw new FlowInvalidError(res.status, toApiError(res, data).message, issues);
    throw toApiError(res, data);
  }
  return data as T;
}

const enc = encodeURIComponent;

export const flowApi = {
  list: (cursor?: string) => call<Paged<Flow>>("GET", `/flows${cursor ? `?cursor=${enc(cursor)}` : ""}`),
  get: (id: string) => call<Flow>("GET", `/flows/${enc(id)}`),
  create: (body: FlowInput & { name: string }) => call<Flow>("POST", "/flows", body),
  update: (id: string, body: FlowInput) => call<Flow>("PATCH", `/flows/${enc(id)}`, body),
  remove: (id: string) => call<void>("DELETE", `/flows/${enc(id)}`),
  publish: (id: string) => call<FlowVersion>("POST", `/flows/${enc(id)}/publish`),
  versions: (id: string) => call<Paged<FlowVersion>>("GET", `/flows/${enc(id)}/versions`),
  preview: (id: string, messages: string[]) => call<Preview>("POST", `/flows/${enc(id)}/preview`, { messages }),
};

export const flowKeys = {
  all: (tenant: string) => ["flows", tenant] as const,
  list: (tenant: string) => ["flows", tenant, "list"] as const,
  one: (tenant: string, id: string) => ["flows", tenant, "one", id] as const,
  versions: (tenant: string, id: string) => ["flows", tenant, "versions", id] as const,
};

/** The tenant's flows, page by page. */
export function useFlows() {
  const tenant = useTenantId();
  return useInfiniteQuery({
    queryKey: flowKeys.list(tenant),
    enabled: tenant !== "",
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => flowApi.list(pageParam),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useFlow(id: string) {
  const tenant = useTenantId();
  return useQuery({ queryKey: flowKeys.one(tenant, id), enabled: tenant !== "", queryFn: () => flowApi.get(id) });
}

export function useFlowVersions(id: string) {
  const tenant = useTenantId();
  return useQuery({
    queryKey: flowKeys.versions(tenant, id),
    enabled: tenant !== "",
    placeholderData: keepPreviousData,
    queryFn: () => flowApi.versions(id),
  });
}

export function useCreateFlow() {
  const tenant = useTenantId();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: FlowInput & { name: string }) => flowApi.create(body),
    onSuccess: (flow) => {
      qc.setQueryData(flowKeys.one(tenant, flow.id), flow);
      void qc.invalidateQueries({ queryKey: flowKeys.list(tenant) });
    },
  });
}

/** PATCH a flow; the answer replaces the cached flow. */
export function useUpdateFlow() {
  const tenant = useTenantId();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: FlowInput }) => flowApi.update(id, body),
    onSuccess: (flow) => {
      qc.setQueryData(flowKeys.one(tenant, flow.id), flow);
      void qc.invalidateQueries({ queryKey: flowKeys.list(tenant) });
    },
  });
}

export function useDeleteFlow() {
  const tenant = useTenantId();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => flowApi.remove(id),
    onSuccess: (_, id) => {
      qc.removeQueries({ queryKey: flowKeys.one(tenant, id) });
      void qc.invalidateQueries({ queryKey: flowKeys.list(tenant) });
    },
  });
}

/** Publishes the saved draft; refreshes the flow (its published version) and the versions. */
export function usePublishFlow() {
  const tenant = useTenantId();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => flowApi.publish(id),
    onSuccess: (v) => {
      void qc.invalidateQueries({ queryKey: flowKeys.one(tenant, v.flow_id) });
      void qc.invalidateQueries({ queryKey: flowKeys.versions(tenant, v.flow_id) });
      void qc.invalidateQueries({ queryKey: flowKeys.list(tenant) });
    },
  });
}

export function usePreviewFlow() {
  return useMutation({ mutationFn: ({ id, messages }: { id: string; messages: string[] }) => flowApi.preview(id, messages) });
}
