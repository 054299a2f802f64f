import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { FileText, Globe, MessageCircle, Pencil, Plug, RefreshCw, Trash2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Schemas } from "../../api/client";
import { Button, IconButton } from "../../components/ui/Button";
import { CopyField } from "../../components/ui/CopyField";
import { ConfirmDialog, Dialog } from "../../components/ui/Dialog";
import { Field, Input, Select, Textarea } from "../../components/ui/Field";
import { LoadMore } from "../../components/ui/LoadMore";
import { Badge, PageHeader } from "../../components/ui/Page";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";
import { ChannelHealthBadge, ChannelHealthLine } from "./ChannelHealth";
import { chosenVerifyToken, verifyTokenProblem } from "./connectForm";
import { PublicUrlWarning } from "./PublicUrlWarning";

type Channel = Schemas["ChannelView"];
type Kind = "whatsapp_cloud" | "webchat";

/** A verify token to paste into Meta: random, URL-safe, generated in the browser. */
export function randomVerifyToken(bytes = 18): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Origins typed one per line (or separated by commas), trimmed, without a trailing slash. */
export function parseOrigins(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}

function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const tone = status === "connected" ? "green" : status === "error" ? "red" : "slate";
  const label = status === "connected" ? t("settings.channels.statusConnected") : status === "error" ? t("settings.channels.statusError") : t("settings.channels.statusDisconnected");
  return <Badge tone={tone}>{label}</Badge>;
}

/** What to paste where, after connecting (the verify token is known only to this screen). */
function Instructions({ channel, verifyToken: given, onClose }: { channel: Channel; verifyToken?: string | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = useApiError();
  const role = useRole();
  const [verifyToken, setVerifyToken] = useState(given);
  // The API never returns the token: a new one replaces the stored one (and is checked again).
  const rotate = useMutation({
    mutationFn: (token: string) => unwrap(api.PATCH("/api/v1/channels/{id}", { params: { path: { id: channel.id } }, body: { credentials: { verify_token: token } } })),
    onSuccess: (_c, token) => setVerifyToken(token),
    onError: (e) => toast.error(message(e)),
  });
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={channel.name} description={channel.kind === "webchat" ? t("settings.channels.webchatInstructions") : t("settings.channels.whatsappInstructions")}>
      <div className="space-y-4">
        {channel.webhook_url ? (
          <div>
            <p className="mb-1 text-sm font-medium text-slate-700">{t("settings.channels.webhookUrl")}</p>
            <CopyField multiline value={channel.webhook_url} label={t("settings.channels.webhookUrl")} />
          </div>
        ) : null}
        {channel.kind === "whatsapp_cloud" ? (
          <div>
            <p className="mb-1 text-sm font-medium text-slate-700">{t("settings.channels.verifyToken")}</p>
            {verifyToken ? (
              <CopyField value={verifyToken} label={t("settings.channels.verifyToken")} />
            ) : (
              <div className="flex flex-wrap items-center gap-3">
                <p className="text-sm text-slate-600">{t("settings.channels.verifyTokenHidden")}</p>
                {can(role, "channels.manage") ? (
                  <Button variant="secondary" size="sm" loading={rotate.isPending} onClick={() => rotate.mutate(randomVerifyToken())}>
                    {t("settings.channels.newVerifyToken")}
                  </Button>
                ) : null}
              </div>
            )}
          </div>
        ) : null}
        {channel.embed_snippet ? (
          <div>
            <p className="mb-1 text-sm font-medium text-slate-700">{t("settings.channels.snippet")}</p>
            <CopyField multiline value={channel.embed_snippet} label={t("settings.channels.snippet")} />
          </div>
        ) : null}
        <div className="flex justify-end">
          <Button onClick={onClose}>{t("common.done")}</Button>
        </div>
      </div>
    </Dialog>
  );
}

function ConnectDialog({ kind, onClose, onConnected }: { kind: Kind; onClose: () => void; onConnected: (c: Channel, verifyToken?: string) => void }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const [name, setName] = useState(kind === "webchat" ? t("settings.channels.webchatDefaultName") : "WhatsApp");
  const [phoneNumberId, setPhoneNumberId] = useState("");
  const [wabaId, setWabaId] = useState("");
  const [accessToken, setAccessToken] = useState("");
  const [appSecret, setAppSecret] = useState("");
  // The admin's own token, or one generated when the field stays empty (fixed once sent).
  const [typedToken, setTypedToken] = useState("");
  const [generated] = useState(() => randomVerifyToken());
  const verifyToken = chosenVerifyToken(typedToken, () => generated);
  const tokenProblem = verifyTokenProblem(typedToken);
  const [origins, setOrigins] = useState("");
  const [greeting, setGreeting] = useState("");
  const connect = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/channels/connectors", {
          body:
            kind === "whatsapp_cloud"
              ? {
                  kind,
                  name: name.trim(),
                  credentials: { phone_number_id: phoneNumberId.trim(), waba_id: wabaId.trim(), access_token: accessToken.trim(), app_secret: appSecret.trim(), verify_token: verifyToken },
                  settings: greeting.trim() ? { greeting: greeting.trim() } : {},
                }
              : { kind, name: name.trim(), settings: { allowed_origins: parseOrigins(origins), ...(greeting.trim() ? { greeting: greeting.trim() } : {}) } },
        }),
      ),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: ["channels"] });
      onConnected(c, kind === "whatsapp_cloud" ? verifyToken : undefined);
    },
  });
  const err = connect.error;
  const f = (k: string) => field(err, k);
  const known = ["name", "kind", "credentials", "credentials.phone_number_id", "credentials.waba_id", "credentials.access_token", "credentials.app_secret", "credentials.verify_token", "settings.allowed_origins", "settings.greeting"];
  const general = err && known.every((k) => !f(k)) ? message(err) : null;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={kind === "whatsapp_cloud" ? t("settings.channels.connectWhatsapp") : t("settings.channels.connectWebchat")} description={kind === "whatsapp_cloud" ? t("settings.channels.whatsappHint") : t("settings.channels.webchatHint")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (!tokenProblem) connect.mutate();
        }}
      >
        {kind === "whatsapp_cloud" ? <PublicUrlWarning /> : null}
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        {f("credentials") ? <div className="mb-3"><Alert>{f("credentials")}</Alert></div> : null}
        <Field label={t("common.name")} error={f("name")}>
          <Input required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        {kind === "whatsapp_cloud" ? (
          <>
            <div className="grid gap-x-4 sm:grid-cols-2">
              <Field label={t("settings.channels.phoneNumberId")} error={f("credentials.phone_number_id")}>
                <Input required autoComplete="off" inputMode="numeric" value={phoneNumberId} onChange={(e) => setPhoneNumberId(e.target.value)} className="font-mono" />
              </Field>
              <Field label={t("settings.channels.wabaId")} error={f("credentials.waba_id")}>
                <Input autoComplete="off" inputMode="numeric" value={wabaId} onChange={(e) => setWabaId(e.target.value)} className="font-mono" />
              </Field>
            </div>
            <Field label={t("settings.channels.accessToken")} error={f("credentials.access_token")} hint={t("settings.channels.accessTokenHint")}>
              <Input required type="password" autoComplete="off" value={accessToken} onChange={(e) => setAccessToken(e.target.value)} />
            </Field>
            <Field label={t("settings.channels.appSecret")} error={f("credentials.app_secret")} hint={t("settings.channels.appSecretHint")}>
              <Input required type="password" autoComplete="off" value={appSecret} onChange={(e) => setAppSecret(e.target.value)} />
            </Field>
            <Field
              label={t("channels.connect.verifyToken")}
              error={tokenProblem === "length" ? t("channels.connect.verifyTokenLength") : tokenProblem === "charset" ? t("channels.connect.verifyTokenCharset") : f("credentials.verify_token")}
              hint={t("channels.connect.verifyTokenHint")}
            >
              <Input data-testid="verify-token" autoComplete="off" value={typedToken} onChange={(e) => setTypedToken(e.target.value)} placeholder={generated} className="font-mono" />
            </Field>
          </>
        ) : (
          <Field label={t("settings.channels.allowedOrigins")} error={f("settings.allowed_origins")} hint={t("settings.channels.allowedOriginsHint")}>
            <Textarea rows={2} value={origins} onChange={(e) => setOrigins(e.target.value)} placeholder="https://loja.exemplo.com.br" className="font-mono" />
          </Field>
        )}
        <Field label={t("settings.channels.greeting")} error={f("settings.greeting")} hint={t("settings.channels.greetingHint")}>
          <Textarea rows={2} value={greeting} onChange={(e) => setGreeting(e.target.value)} />
        </Field>
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={connect.isPending} icon={<Plug aria-hidden className="size-4" />}>
            {t("settings.channels.connect")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

type ChannelSettings = {
  greeting?: string | null;
  away_message?: string | null;
  reopen_window_hours?: number | null;
  default_team_id?: string | null;
  allowed_origins?: string[] | null;
  pre_chat_form?: boolean | null;
};

function EditDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const teams = useInfiniteQuery({
    queryKey: ["teams"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/teams", { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const current = (channel.settings ?? {}) as ChannelSettings;
  const [name, setName] = useState(channel.name);
  const [greeting, setGreeting] = useState(current.greeting ?? "");
  const [away, setAway] = useState(current.away_message ?? "");
  const [reopen, setReopen] = useState(current.reopen_window_hours != null ? String(current.reopen_window_hours) : "");
  const [team, setTeam] = useState(current.default_team_id ?? "");
  const [origins, setOrigins] = useState((current.allowed_origins ?? []).join("\n"));
  const [preChat, setPreChat] = useState(current.pre_chat_form ?? false);
  const save = useMutation({
    mutationFn: () => {
      // `null` removes a setting (the API merges key by key).
      const settings: ChannelSettings = {
        greeting: greeting.trim() || null,
        away_message: away.trim() || null,
        reopen_window_hours: reopen.trim() === "" ? null : Number(reopen),
        default_team_id: team || null,
      };
      if (channel.kind === "webchat") {
        settings.allowed_origins = parseOrigins(origins);
        settings.pre_chat_form = preChat;
      }
      return unwrap(api.PATCH("/api/v1/channels/{id}", { params: { path: { id: channel.id } }, body: { name: name.trim(), settings } }));
    },
    onSuccess: () => {
      toast.success(t("common.saved"));
      void qc.invalidateQueries({ queryKey: ["channels"] });
      onClose();
    },
  });
  const err = save.error;
  const f = (k: string) => field(err, k);
  const known = ["name", "settings.greeting", "settings.away_message", "settings.reopen_window_hours", "settings.default_team_id", "settings.allowed_origins", "settings.pre_chat_form"];
  const general = err && known.every((k) => !f(k)) ? message(err) : null;
  const teamList = teams.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={t("common.editItem", { name: channel.name })}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <Field label={t("common.name")} error={f("name")}>
          <Input required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t("settings.channels.greeting")} error={f("settings.greeting")} hint={t("settings.channels.greetingHint")}>
          <Textarea rows={2} value={greeting} onChange={(e) => setGreeting(e.target.value)} />
        </Field>
        <Field label={t("settings.channels.awayMessage")} error={f("settings.away_message")} hint={t("settings.channels.awayMessageHint")}>
          <Textarea rows={2} value={away} onChange={(e) => setAway(e.target.value)} />
        </Field>
        <div className="grid gap-x-4 sm:grid-cols-2">
          <Field label={t("settings.channels.defaultTeam")} error={f("settings.default_team_id")}>
            <Select value={team} onChange={(e) => setTeam(e.target.value)}>
              <option value="">{t("settings.channels.noDefaultTeam")}</option>
              {teamList.map((tm) => (
                <option key={tm.id} value={tm.id}>
                  {tm.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t("settings.channels.reopenWindow")} error={f("settings.reopen_window_hours")} hint={t("settings.channels.reopenWindowHint")}>
            <Input type="number" inputMode="numeric" min={0} max={720} value={reopen} onChange={(e) => setReopen(e.target.value)} placeholder="24" />
          </Field>
        </div>
        {channel.kind === "webchat" ? (
          <>
            <Field label={t("settings.channels.allowedOrigins")} error={f("settings.allowed_origins")} hint={t("settings.channels.allowedOriginsHint")}>
              <Textarea rows={2} value={origins} onChange={(e) => setOrigins(e.target.value)} className="font-mono" />
            </Field>
            <label className="flex items-center gap-2 pb-3 text-sm text-slate-700">
              <input type="checkbox" className="accent-brand-700" checked={preChat} onChange={(e) => setPreChat(e.target.checked)} />
              {t("settings.channels.preChatForm")}
            </label>
          </>
        ) : null}
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t("common.save")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function ChannelsPage() {
  const { t } = useTranslation();
  const { message } = useApiError();
  const role = useRole();
  const qc = useQueryClient();
  const manage = can(role, "channels.manage");
  const q = useInfiniteQuery({
    queryKey: ["channels"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/channels", { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [connecting, setConnecting] = useState<Kind | null>(null);
  const [showing, setShowing] = useState<{ channel: Channel; verifyToken?: string | undefined } | null>(null);
  const [removing, setRemoving] = useState<Channel | null>(null);
  const [editing, setEditing] = useState<Channel | null>(null);
  const activate = useMutation({
    mutationFn: (c: Channel) => unwrap(api.POST("/api/v1/channels/accounts/{id}/activate", { params: { path: { id: c.id } } })),
    onSuccess: (c) => {
      if (c.status === "connected") toast.success(t("settings.channels.checked", { name: c.name }));
      else toast.error(c.last_error ?? t("settings.channels.statusError"));
      void qc.invalidateQueries({ queryKey: ["channels"] });
    },
    onError: (e) => toast.error(message(e)),
  });
  // Templates are made and approved in Meta's WhatsApp Manager; this brings them here (the
  // composer's template picker lists them). Status changes also arrive by webhook.
  const syncTemplates = useMutation({
    mutationFn: (c: Channel) => unwrap(api.POST("/api/v1/whatsapp/templates/sync", { body: { channel_id: c.id } })),
    onSuccess: (reports, c) => {
      const r = reports[0];
      if (r?.error) toast.error(t("settings.channels.templatesFailed", { reason: r.error }));
      else toast.success(t("settings.channels.templatesSynced", { count: r?.synced ?? 0, name: c.name }));
      void qc.invalidateQueries({ queryKey: ["templates"] });
    },
    onError: (e) => toast.error(message(e)),
  });
  const remove = useMutation({
    mutationFn: (c: Channel) => unwrap(api.DELETE("/api/v1/channels/{id}", { params: { path: { id: c.id } } })),
    onSuccess: () => {
      toast.success(t("common.deleted"));
      void qc.invalidateQueries({ queryKey: ["channels"] });
    },
    onError: (e) => toast.error(message(e)),
    onSettled: () => setRemoving(null),
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const connectButtons = manage ? (
    <>
      <Button icon={<MessageCircle aria-hidden className="size-4" />} onClick={() => setConnecting("whatsapp_cloud")}>
        {t("settings.channels.connectWhatsapp")}
      </Button>
      <Button variant="secondary" icon={<Globe aria-hidden className="size-4" />} onClick={() => setConnecting("webchat")}>
        {t("settings.channels.connectWebchat")}
      </Button>
    </>
  ) : null;
  return (
    <div>
      <PageHeader title={t("settings.channels.title")} description={t("settings.channels.description")} actions={items.length > 0 ? connectButtons : null} />
      {q.isPending ? (
        <LoadingBlock />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<Plug aria-hidden />} title={t("settings.channels.empty")} action={<div className="flex flex-wrap justify-center gap-2">{connectButtons}</div>}>
          {t("settings.channels.emptyText")}
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-xs">
            {items.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
                <span aria-hidden className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-brand-50 text-brand-700">
                  {c.kind === "webchat" ? <Globe className="size-5" /> : <MessageCircle className="size-5" />}
                </span>
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                    {c.name}
                    <StatusBadge status={c.status} />
                    <ChannelHealthBadge channel={c} />
                  </p>
                  <p className="truncate text-xs text-slate-500">
                    {c.kind === "webchat" ? t("settings.channels.kindWebchat") : t("settings.channels.kindWhatsapp")}
                    {c.credentials_hint ? ` · ${c.credentials_hint}` : ""}
                  </p>
                  {c.last_error && c.status !== "connected" ? <p className="mt-1 text-xs text-red-700">{c.last_error}</p> : null}
                  <ChannelHealthLine channel={c} />
                </div>
                <Button variant="secondary" size="sm" onClick={() => setShowing({ channel: c })}>
                  {c.kind === "webchat" ? t("settings.channels.showSnippet") : t("settings.channels.showWebhook")}
                </Button>
                {manage ? (
                  <div className="flex">
                    {c.kind === "whatsapp_cloud" ? (
                      <>
                        <IconButton label={t("settings.channels.recheck", { name: c.name })} icon={<RefreshCw aria-hidden className="size-4" />} loading={activate.isPending && activate.variables?.id === c.id} onClick={() => activate.mutate(c)} />
                        <IconButton label={t("settings.channels.syncTemplates", { name: c.name })} icon={<FileText aria-hidden className="size-4" />} loading={syncTemplates.isPending && syncTemplates.variables?.id === c.id} onClick={() => syncTemplates.mutate(c)} />
                      </>
                    ) : null}
                    <IconButton label={t("common.editItem", { name: c.name })} icon={<Pencil aria-hidden className="size-4" />} onClick={() => setEditing(c)} />
                    <IconButton label={t("common.deleteItem", { name: c.name })} icon={<Trash2 aria-hidden className="size-4" />} variant="ghost-danger" onClick={() => setRemoving(c)} />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
          <LoadMore hasMore={q.hasNextPage} loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()} />
        </>
      )}
      {connecting ? (
        <ConnectDialog
          kind={connecting}
          onClose={() => setConnecting(null)}
          onConnected={(channel, verifyToken) => {
            setConnecting(null);
            setShowing({ channel, verifyToken });
          }}
        />
      ) : null}
      {editing ? <EditDialog key={editing.id} channel={editing} onClose={() => setEditing(null)} /> : null}
      {showing ? <Instructions channel={showing.channel} verifyToken={showing.verifyToken} onClose={() => setShowing(null)} /> : null}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(o) => !o && setRemoving(null)}
        title={t("settings.channels.removeTitle", { name: removing?.name ?? "" })}
        description={t("settings.channels.removeText")}
        confirmLabel={t("common.delete")}
        danger
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
      />
    </div>
  );
}
