// Choosing and sending an approved WhatsApp template: search the channel's templates, fill each
// parameter (header, body, URL buttons; positional or named) with a live preview, send.

import { ArrowLeft, ExternalLink, LayoutTemplate, Search } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import { Button } from "../../../components/ui/Button";
import { Dialog } from "../../../components/ui/Dialog";
import { Field, Input } from "../../../components/ui/Field";
import { Badge } from "../../../components/ui/Page";
import { Alert, EmptyState, ErrorState, LoadingBlock } from "../../../components/ui/States";
import { useTemplates } from "../../../inbox/queries";
import type { Conversation } from "../../../inbox/queries";
import { useChatError, useChatSend } from "./send";
import { allFilled, buildTemplateSend, previewOf, templateParams, templateParts } from "./templates";
import type { ParamValues, Template, TemplateParam, TemplateParts } from "./templates";
import { TemplateSyncButton } from "./TemplateSync";
import { matchesWords } from "./text";

/** The template as a WhatsApp bubble (placeholders not filled yet stay visible). */
export function Preview({ parts }: { parts: TemplateParts }) {
  const { t } = useTranslation();
  return (
    <div aria-label={t("chat.template.preview")} role="group" className="rounded-xl bg-[#efeae2] p-3">
      <div className="ml-auto max-w-[90%] rounded-lg rounded-tr-none bg-[#d9fdd3] px-3 py-2 text-sm shadow-xs">
        {parts.headerFormat && parts.headerFormat !== "TEXT" ? (
          <p className="mb-1 rounded bg-black/5 px-2 py-4 text-center text-xs text-slate-500">{t("chat.template.mediaHeader", { format: parts.headerFormat.toLowerCase() })}</p>
        ) : parts.header ? (
          <p className="mb-1 font-semibold [overflow-wrap:anywhere]">{parts.header}</p>
        ) : null}
        <p className="whitespace-pre-wrap [overflow-wrap:anywhere]">{parts.body}</p>
        {parts.footer ? <p className="mt-1 text-xs text-slate-500">{parts.footer}</p> : null}
        {parts.buttons.length ? (
          <ul className="mt-2 space-y-1 border-t border-black/10 pt-1.5">
            {parts.buttons.map((b, i) => (
              <li key={i} className="flex items-center justify-center gap-1 text-center text-sky-700" title={b.url ?? undefined}>
                {b.type === "URL" ? <ExternalLink aria-hidden className="size-3.5" /> : null}
                {b.text}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

// A plain `t` signature: i18next's key-typed one is "excessively deep" for TypeScript here.
function paramLabel(t: Translate, p: TemplateParam, tpl: Template): string {
  if (p.media) return t("chat.template.mediaParam", { format: p.media });
  if (p.slot === "button") return t("chat.template.buttonParam", { name: templateParts(tpl).buttons[p.index ?? 0]?.text ?? "" });
  const name = `{{${p.key}}}`;
  return p.slot === "header" ? t("chat.template.headerParam", { name }) : t("chat.template.bodyParam", { name });
}

function TemplateForm({ template, conversationId, onBack, onSent }: { template: Template; conversationId: string; onBack: () => void; onSent: () => void }) {
  const { t } = useTranslation();
  const [values, setValues] = useState<ParamValues>({});
  const [error, setError] = useState<string | null>(null);
  const { send, pending } = useChatSend(conversationId);
  const errorText = useChatError();
  const params = templateParams(template);
  const ready = allFilled(params, values);

  const submit = async () => {
    setError(null);
    try {
      await send(buildTemplateSend(template, values));
      onSent();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) void submit();
      }}
      className="space-y-4"
    >
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="ghost" size="sm" icon={<ArrowLeft aria-hidden className="size-4" />} onClick={onBack}>
          {t("chat.template.back")}
        </Button>
        <span className="min-w-0 truncate font-mono text-sm font-medium text-slate-800">{template.name}</span>
        <Badge>{template.language}</Badge>
      </div>
      <Preview parts={previewOf(template, values)} />
      {params.length ? (
        <div className="space-y-1">
          {params.map((p, i) => (
            <Field key={p.id} label={paramLabel(t as unknown as Translate, p, template)}>
              <Input
                data-testid="template-param"
                autoFocus={i === 0}
                type={p.media ? "url" : "text"}
                inputMode={p.media ? "url" : undefined}
                value={values[p.id] ?? ""}
                placeholder={p.media ? "https://" : p.example}
                onChange={(e) => setValues((v) => ({ ...v, [p.id]: e.target.value }))}
              />
            </Field>
          ))}
        </div>
      ) : (
        <p className="text-sm text-slate-600">{t("chat.template.noParams")}</p>
      )}
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex justify-end gap-2">
        <Button type="submit" data-testid="template-send" loading={pending} disabled={!ready}>
          {t("chat.template.send")}
        </Button>
      </div>
    </form>
  );
}

function TemplateList({ channelId, onPick }: { channelId: string; onPick: (t: Template) => void }) {
  const { t } = useTranslation();
  const q = useTemplates(channelId);
  const [query, setQuery] = useState("");
  if (q.isPending) return <LoadingBlock rows={3} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const approved = q.data.items.filter((x) => x.status.toUpperCase() === "APPROVED");
  if (approved.length === 0) {
    return (
      <EmptyState icon={<LayoutTemplate aria-hidden />} title={t("chat.template.noneTitle")} action={<TemplateSyncButton channelId={channelId} />}>
        {t("chat.template.noneText")}
      </EmptyState>
    );
  }
  const shown = approved.filter((x) => matchesWords(query, [x.name, x.category, x.language, templateParts(x).body]));
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-2">
        <div className="relative min-w-0 flex-1">
          <Search aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
          <Input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t("chat.template.search")} aria-label={t("chat.template.search")} className="pl-9" />
        </div>
        <TemplateSyncButton channelId={channelId} />
      </div>
      {shown.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-500">{t("common.noResults")}</p>
      ) : (
        <ul className="max-h-[55dvh] space-y-2 overflow-y-auto">
          {shown.map((x) => (
            <li key={x.id}>
              <button
                type="button"
                data-testid="template-option"
                onClick={() => onPick(x)}
                className="block w-full rounded-lg border border-slate-200 px-3 py-2 text-left hover:border-brand-600 hover:bg-brand-50 focus-visible:border-brand-600"
              >
                <span className="flex flex-wrap items-center gap-2">
                  <span className="min-w-0 font-mono text-sm font-medium [overflow-wrap:anywhere] text-slate-900">{x.name}</span>
                  <Badge>{x.language}</Badge>
                  {x.category ? <Badge tone="blue">{x.category.toLowerCase()}</Badge> : null}
                </span>
                <span className="mt-1 line-clamp-2 block text-xs text-slate-600">{templateParts(x).body}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function TemplatePicker({ open, onOpenChange, conversation }: { open: boolean; onOpenChange: (open: boolean) => void; conversation: Conversation }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<Template | null>(null);
  const change = (o: boolean) => {
    if (!o) setChosen(null);
    onOpenChange(o);
  };
  return (
    <Dialog open={open} onOpenChange={change} title={t("chat.template.title")} description={t("chat.template.description")}>
      {chosen ? (
        <TemplateForm template={chosen} conversationId={conversation.id} onBack={() => setChosen(null)} onSent={() => change(false)} />
      ) : (
        <TemplateList channelId={conversation.channel_id} onPick={setChosen} />
      )}
    </Dialog>
  );
}
