// Every HTTP call of the flows area (`/api/v1/flows…`), as TanStack Query hooks over the typed
// client. A publish or preview that the API refuses for the graph (409 `flow_invalid`, fields keyed
// by node id or `flow`) throws a FlowInvalidError carrying the issues per node.

import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import type { Schemas } from "../../api/client";
import { ApiError, toApiError } from "../../api/errors";
import { useTenantId } from "../../lib/useTenantId";
import { withDefaults } from "./graph";
import { parseFlowIssues } from "./issues";
import type { FlowIssues } from "./issues";
import type { Flow, FlowDefinition, FlowInput, Preview } from "./types";

export type FlowVersion = Schemas["FlowVersionView"];
export type Paged<T> = { items: T[]; next_cursor?: string | null };

/** A publish or preview refused because of the graph; `issues` says where. */
export class FlowInvalidError extends ApiError {
  readonly issues: FlowIssues;
  constructor(status: number, code: string, message: string, issues: FlowIssues) {
    super(status, code, message);
    this.name = "FlowInvalidError";
    this.issues = issues;
  }
}

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data, or the error: graph issues as a FlowInvalidError when `graph` says they may be. */
async function done<T>(p: Promise<Result<T>>, graph = false): Promise<T> {
  const { data, error, response } = await p;
  if (response.ok && error === undefined) return data as T;
  const issues = graph && response.status >= 400 && response.status < 500 ? parseFlowIssues(error) : null;
  const err = toApiError(response, error);
  if (issues) throw new FlowInvalidError(response.status, err.code, err.message, issues);
  throw err;
}

/** A flow as the builder works on it: serde's defaults filled in, absent fields as null. */
export function toFlow(v: Schemas["FlowView"]): Flow {
  return {
    ...v,
    description: v.description ?? null,
    definition: withDefaults(v.definition as FlowDefinition),
    published_version: v.published_version ?? null,
    published_at: v.published_at ?? null,
  };
}

/** The body of a create or update, checked against the API's schema. */
function body(input: FlowInput): Schemas["UpdateFlowBody"] {
  return input;
}

const path = (id: string) => ({ params: { path: { id } } });

export const flowApi = {
  list: async (cursor?: string): Promise<Paged<Flow>> => {
    const page = await done(api.GET("/api/v1/flows", { params: { query: { limit: 100, cursor } } }));
    return { ...page, items: page.items.map(toFlow) };
  },
  get: async (id: string) => toFlow(await done(api.GET("/api/v1/flows/{id}", path(id)))),
  create: async (input: FlowInput & { name: string }) => toFlow(await done(api.POST("/api/v1/flows", { body: { ...body(input), name: input.name } }))),
  update: async (id: string, input: FlowInput) => toFlow(await done(api.PATCH("/api/v1/flows/{id}", { ...path(id), body: body(input) }))),
  remove: (id: string) => done(api.DELETE("/api/v1/flows/{id}", path(id))),
  publish: async (id: string) => {
    const out = await done(api.POST("/api/v1/flows/{id}/publish", path(id)), true);
    return { flow: toFlow(out.flow), version: out.version };
  },
  versions: (id: string) => done(api.GET("/api/v1/flows/{id}/versions", path(id))),
  preview: (id: string, messages: string[]): Promise<Preview> => done(api.POST("/api/v1/flows/{id}/preview", { ...path(id), body: { messages } }), true),
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

/** A flow's published versions, newest first. */
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
    mutationFn: (input: FlowInput & { name: string }) => flowApi.create(input),
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

/** Publishes the saved draft; the flow (its published version) and the versions refresh. */
export function usePublishFlow() {
  const tenant = useTenantId();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => flowApi.publish(id),
    onSuccess: ({ flow }) => {
      qc.setQueryData(flowKeys.one(tenant, flow.id), flow);
      void qc.invalidateQueries({ queryKey: flowKeys.versions(tenant, flow.id) });
      void qc.invalidateQueries({ queryKey: flowKeys.list(tenant) });
    },
  });
}

export function usePreviewFlow() {
  return useMutation({ mutationFn: ({ id, messages }: { id: string; messages: string[] }) => flowApi.preview(id, messages) });
}
