// "Nova conversa": write first to a contact or a new number with an approved WhatsApp template —
// the only way a business may open a conversation on WhatsApp. Pick the channel, the contact
// (search) or type a number (normalised like the server does, Brazil by default), the template
// and its parameters with a live preview; on success the conversation opens.
//
// Reusable: `StartConversationDialog` takes an optional preselected contact (the contacts list
// and page open it that way); `NewConversationButton` is the inbox list header's entry point.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { MessageSquarePlus, Send } from "lucide-react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import type { Translate } from "../../api/errors";
import { Button, IconButton } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import { Field, Input, Select } from "../../components/ui/Field";
import { Alert } from "../../components/ui/States";
import { toast } from "../../components/ui/Toaster";
import { useChannels } from "../../inbox/lookups";
import { useTemplates } from "../../inbox/queries";
import { useRole } from "../../lib/me";
import { can } from "../../lib/permissions";
import { useApiError } from "../../lib/useApiError";
import { useDebounced } from "../../lib/useDebounced";
import { Preview } from "./chat/TemplatePicker";
import { allFilled, buildTemplateSend, previewOf, templateParams } from "./chat/templates";
import type { ParamValues, Template } from "./chat/templates";
import { displayPhone, normalizePhone, startBody } from "./startConversation";

export interface PresetContact {
  id: string;
  name: string;
  phone?: string | null;
}

function useWhatsappChannels() {
  const channels = useChannels();
  return useMemo(() => channels.filter((c) => c.kind === "whatsapp_cloud"), [channels]);
}

function ContactSearch({ onPick }: { onPick: (c: PresetContact) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const term = useDebounced(q.trim(), 250);
  const found = useQuery({
    queryKey: ["contacts", "start-search", term],
    enabled: term.length >= 2 && normalizePhone(term) === null,
    queryFn: () => unwrap(api.GET("/api/v1/contacts", { params: { query: { q: term, limit: 5 } } })),
  });
  const phone = normalizePhone(q);
  return (
    <div className="space-y-2">
      <Field label={t("channels.start.to")} hint={t("channels.start.toHint")}>
        <Input data-testid="start-to" autoFocus value={q} onChange={(e) => setQ(e.target.value)} placeholder="(11) 98765-4321" />
      </Field>
      {phone ? (
        <Button data-testid="start-use-number" variant="secondary" size="sm" onClick={() => onPick({ id: "", name: "", phone })}>
          {t("channels.start.useNumber", { phone: displayPhone(phone) })}
        </Button>
      ) : null}
      {found.data?.items.length ? (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200">
          {found.data.items.map((c) => (
            <li key={c.id}>
              <button type="button" data-testid="start-contact" className="w-full px-3 py-2 text-left text-sm hover:bg-brand-50" onClick={() => onPick({ id: c.id, name: c.name, phone: c.phone ?? null })}>
                <span className="font-medium text-slate-900">{c.name}</span> <span className="text-slate-500">{c.phone ? displayPhone(c.phone) : ""}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function StartConversationDialog({ open, onOpenChange, contact: preset }: { open: boolean; onOpenChange: (open: boolean) => void; contact?: PresetContact }) {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  const { message } = useApiError();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const channels = useWhatsappChannels();
  const [channelId, setChannelId] = useState<string>("");
  const channel = channelId || channels[0]?.id || "";
  const [who, setWho] = useState<PresetContact | null>(preset ?? null);
  const [name, setName] = useState("");
  const [templateId, setTemplateId] = useState("");
  const [values, setValues] = useState<ParamValues>({});
  // One key per dialog: a retried click returns the first conversation, nothing sent twice.
  const [key] = useState(() => crypto.randomUUID());
  const templates = useTemplates(channel || undefined);
  const approved: Template[] = (templates.data?.items ?? []).filter((x) => x.status.toUpperCase() === "APPROVED");
  const template = approved.find((x) => x.id === templateId) ?? null;
  const params = template ? templateParams(template) : [];
  const ready = !!channel && !!who && !!template && allFilled(params, values);

  const start = useMutation({
    mutationFn: () => {
      const target = who!.id ? { contactId: who!.id } : { phone: who!.phone ?? "", name };
      return unwrap(api.POST("/api/v1/conversations", { params: { header: { "Idempotency-Key": key } }, body: startBody(channel, target, buildTemplateSend(template!, values)) }));
    },
    onSuccess: (r) => {
      toast.success(t("channels.start.started", { name: r.conversation.contact.name }));
      void qc.invalidateQueries({ queryKey: ["inbox"] });
      onOpenChange(false);
      void navigate({ to: "/inbox/$conversationId", params: { conversationId: r.conversation.id } });
    },
  });

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t("channels.start.title")} description={t("channels.start.description")}>
      {channels.length === 0 ? (
        <Alert>{t("channels.start.noChannel")}</Alert>
      ) : (
        <form
          noValidate
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (ready) start.mutate();
          }}
        >
          {channels.length > 1 ? (
            <Field label={t("channels.start.channel")}>
              <Select data-testid="start-channel" value={channel} onChange={(e) => { setChannelId(e.target.value); setTemplateId(""); setValues({}); }}>
                {channels.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </Field>
          ) : null}
          {who ? (
            <div className="flex items-center gap-2 rounded-lg bg-slate-50 px-3 py-2 text-sm">
              <span className="min-w-0 flex-1 truncate" data-testid="start-recipient">
                {who.id ? <span className="font-medium">{who.name}</span> : null} {who.phone ? displayPhone(who.phone) : null}
              </span>
              {preset ? null : (
                <Button variant="ghost" size="sm" onClick={() => setWho(null)}>
                  {t("channels.start.change")}
                </Button>
              )}
            </div>
          ) : (
            <ContactSearch onPick={setWho} />
          )}
          {who && !who.id ? (
            <Field label={t("channels.start.name")}>
              <Input data-testid="start-name" value={name} onChange={(e) => setName(e.target.value)} />
            </Field>
          ) : null}
          <Field label={t("channels.start.template")} hint={approved.length === 0 && !templates.isPending ? t("chat.template.noneText") : undefined}>
            <Select data-testid="start-template" value={templateId} onChange={(e) => { setTemplateId(e.target.value); setValues({}); }}>
              <option value="">{t("channels.start.pickTemplate")}</option>
              {approved.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name} ({x.language})
                </option>
              ))}
            </Select>
          </Field>
          {template ? (
            <>
              <Preview parts={previewOf(template, values)} />
              {params.map((p) => (
                <Field key={p.id} label={p.media ? tr("chat.template.mediaParam", { format: p.media }) : p.slot === "header" ? tr("chat.template.headerParam", { name: `{{${p.key}}}` }) : tr("chat.template.bodyParam", { name: `{{${p.key}}}` })}>
                  <Input data-testid="start-param" value={values[p.id] ?? ""} placeholder={p.media ? "https://" : p.example} onChange={(e) => setValues((v) => ({ ...v, [p.id]: e.target.value }))} />
                </Field>
              ))}
            </>
          ) : null}
          {start.error ? <Alert>{message(start.error)}</Alert> : null}
          <div className="flex justify-end gap-2 pt-1">
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" data-testid="start-send" loading={start.isPending} disabled={!ready} icon={<Send aria-hidden className="size-4" />}>
              {t("channels.start.send")}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/**
 * "Nova conversa" for who works conversations: an icon in the inbox list header, or a labelled
 * button on the contacts list and a contact's page (there with the contact already chosen).
 */
export function NewConversationButton({ contact, labelled = false }: { contact?: PresetContact; labelled?: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!can(useRole(), "conversations.work")) return null;
  const icon = <MessageSquarePlus aria-hidden className="size-4" />;
  return (
    <>
      {labelled ? (
        <Button variant="secondary" data-testid="new-conversation" icon={icon} onClick={() => setOpen(true)}>
          {t("channels.start.title")}
        </Button>
      ) : (
        <IconButton data-testid="new-conversation" label={t("channels.start.title")} icon={icon} onClick={() => setOpen(true)} />
      )}
      {open ? <StartConversationDialog open onOpenChange={setOpen} contact={contact} /> : null}
    </>
  );
}
