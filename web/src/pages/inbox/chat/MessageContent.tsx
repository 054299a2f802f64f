// What a bubble holds, by message type: text, media (image, sticker, audio, video, document),
// location, contact cards, button replies, templates and the types we cannot show.

import { AlertTriangle, Download, FileText, LayoutTemplate, MapPin, MousePointerClick, UserRound } from "lucide-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import type { Message } from "../../../inbox/queries";
import { MediaMissing } from "./MediaMissing";
import { formatBytes } from "./text";

type Payload = Record<string, unknown>;

function str(p: Payload | null | undefined, key: string): string | null {
  const v = p?.[key];
  return typeof v === "string" && v.trim() ? v : null;
}

function num(p: Payload | null | undefined, key: string): number | null {
  const v = p?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

const URL_RE = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]}'])/g;

/** Text with its links clickable; line breaks kept, long words wrapped. */
export function RichText({ text }: { text: string }) {
  const parts = text.split(URL_RE);
  return (
    <p className="text-[0.9375rem] leading-snug whitespace-pre-wrap [overflow-wrap:anywhere]">
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} target="_blank" rel="noopener noreferrer" className="text-sky-700 underline underline-offset-2">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </p>
  );
}

function Notice({ icon, children }: { icon?: ReactNode; children: ReactNode }) {
  return (
    <p className="flex items-center gap-1.5 text-sm text-slate-500 italic">
      {icon ?? <AlertTriangle aria-hidden className="size-4 shrink-0" />}
      <span>{children}</span>
    </p>
  );
}

function Caption({ m }: { m: Message }) {
  return m.body ? <div className="mt-1">{<RichText text={m.body} />}</div> : null;
}

/** A file we do not have, and its caption (a Pix receipt's text matters even without the PDF). */
function Missing({ m }: { m: Message }) {
  return (
    <>
      <MediaMissing m={m} />
      <Caption m={m} />
    </>
  );
}

function ImageContent({ m, sticker }: { m: Message; sticker?: boolean }) {
  const { t } = useTranslation();
  const url = m.media?.url;
  if (!url) return <Missing m={m} />;
  const alt = m.body || m.media?.file_name || (sticker ? t("chat.media.sticker") : t("chat.media.image"));
  if (sticker) return <img src={url} alt={alt} loading="lazy" className="size-32 object-contain" />;
  return (
    <>
      <a href={url} target="_blank" rel="noopener noreferrer" aria-label={t("chat.media.openImage")} className="block overflow-hidden rounded-md bg-slate-200/60">
        {/* A fixed box: the list does not jump when the image arrives. */}
        <img src={url} alt={alt} loading="lazy" className="h-60 w-full max-w-72 object-cover" />
      </a>
      <Caption m={m} />
    </>
  );
}

function DocumentContent({ m }: { m: Message }) {
  const { t, i18n } = useTranslation();
  const url = m.media?.url;
  if (!url) return <Missing m={m} />;
  const name = m.media?.file_name || t("chat.media.document");
  const meta = [formatBytes(m.media?.size, i18n.language), m.media?.mime?.split("/").pop()?.toUpperCase()].filter(Boolean).join(" · ");
  return (
    <>
      <a href={url} download={name} className="flex min-w-0 items-center gap-3 rounded-md bg-black/5 p-2 hover:bg-black/10">
        <FileText aria-hidden className="size-8 shrink-0 text-slate-500" />
        <span className="min-w-0 flex-1">
          <span className="block text-sm font-medium [overflow-wrap:anywhere]">{name}</span>
          {meta ? <span className="block text-xs text-slate-500">{meta}</span> : null}
        </span>
        <Download aria-hidden className="size-5 shrink-0 text-slate-500" />
        <span className="sr-only">{t("chat.media.download")}</span>
      </a>
      <Caption m={m} />
    </>
  );
}

function LocationContent({ m }: { m: Message }) {
  const { t } = useTranslation();
  const lat = num(m.payload, "latitude");
  const lon = num(m.payload, "longitude");
  const name = str(m.payload, "name");
  const address = str(m.payload, "address");
  const body = (
    <>
      <MapPin aria-hidden className="size-8 shrink-0 text-red-500" />
      <span className="min-w-0">
        <span className="block text-sm font-medium [overflow-wrap:anywhere]">{name ?? t("chat.location.title")}</span>
        {address ? <span className="block text-xs text-slate-600 [overflow-wrap:anywhere]">{address}</span> : null}
        {lat !== null && lon !== null ? <span className="block text-xs text-sky-700">{t("chat.location.open")}</span> : null}
      </span>
    </>
  );
  if (lat === null || lon === null) return <div className="flex items-center gap-2">{body}</div>;
  const href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" className="flex items-center gap-2 rounded-md bg-black/5 p-2 hover:bg-black/10">
      {body}
    </a>
  );
}

interface Card {
  name?: { formatted_name?: string | null; first_name?: string | null } | null;
  phones?: Array<{ phone?: string | null; wa_id?: string | null }> | null;
  emails?: Array<{ email?: string | null }> | null;
  org?: { company?: string | null } | null;
}

/** A vCard e-mail as a `mailto:` link, only for a plain address (no query, no spaces); else null. */
export function mailtoHref(email: string): string | null {
  const e = email.trim();
  if (!/^[^\s@?&]+@[^\s@?&]+$/.test(e)) return null;
  const [local, domain] = e.split("@") as [string, string];
  return `mailto:${encodeURIComponent(local)}@${encodeURIComponent(domain)}`;
}

function ContactsContent({ m }: { m: Message }) {
  const { t } = useTranslation();
  const cards = Array.isArray(m.payload?.contacts) ? (m.payload.contacts as Card[]) : [];
  if (cards.length === 0) return <Notice>{t("chat.contact.empty")}</Notice>;
  return (
    <ul className="space-y-2">
      {cards.map((c, i) => (
        <li key={i} className="flex items-start gap-2 rounded-md bg-black/5 p-2">
          <UserRound aria-hidden className="mt-0.5 size-6 shrink-0 text-slate-500" />
          <div className="min-w-0 text-sm">
            <p className="font-medium [overflow-wrap:anywhere]">{c.name?.formatted_name || c.name?.first_name || t("chat.contact.unnamed")}</p>
            {c.org?.company ? <p className="text-xs text-slate-600">{c.org.company}</p> : null}
            {(c.phones ?? []).map((p, j) =>
              p.phone ? (
                <a key={j} href={`tel:${p.phone.replace(/[^\d+]/g, "")}`} className="block text-sky-700 hover:underline">
                  {p.phone}
                </a>
              ) : null,
            )}
            {(c.emails ?? []).map((e, j) => {
              if (!e.email) return null;
              const href = mailtoHref(e.email);
              return href ? (
                <a key={`e${j}`} href={href} className="block text-sky-700 [overflow-wrap:anywhere] hover:underline">
                  {e.email}
                </a>
              ) : (
                <p key={`e${j}`} className="[overflow-wrap:anywhere]">
                  {e.email}
                </p>
              );
            })}
          </div>
        </li>
      ))}
    </ul>
  );
}

function Label({ icon, children }: { icon: ReactNode; children: ReactNode }) {
  return <p className="mb-1 flex items-center gap-1 text-xs font-medium text-slate-500">{icon}{children}</p>;
}

function InteractiveContent({ m }: { m: Message }) {
  const { t } = useTranslation();
  const p = m.payload ?? {};
  const kind = str(p, "type");
  const title = m.body || str(p, "title") || str(p, "text") || str(p, "payload");
  if (kind === "button_reply" || kind === "list_reply" || kind === "template_button") {
    return (
      <>
        <Label icon={<MousePointerClick aria-hidden className="size-3.5" />}>{t("chat.interactive.reply")}</Label>
        {title ? <RichText text={title} /> : null}
        {str(p, "description") ? <p className="text-xs text-slate-600">{str(p, "description")}</p> : null}
      </>
    );
  }
  // One we sent: its text and the choices it offered.
  const choices: string[] = [
    ...(Array.isArray(p.buttons) ? (p.buttons as Payload[]) : []),
    ...(Array.isArray(p.sections) ? (p.sections as Payload[]).flatMap((s) => (Array.isArray(s.rows) ? (s.rows as Payload[]) : [])) : []),
  ]
    .map((c) => str(c, "title"))
    .filter((x): x is string => !!x);
  return (
    <>
      {str(p, "header") ? <p className="font-semibold">{str(p, "header")}</p> : null}
      {m.body ? <RichText text={m.body} /> : null}
      {choices.length ? (
        <ul className="mt-1.5 space-y-1">
          {choices.map((c, i) => (
            <li key={i} className="rounded-md border border-black/10 bg-white/70 px-2 py-1 text-center text-sm text-sky-700">
              {c}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function TemplateContent({ m }: { m: Message }) {
  const { t } = useTranslation();
  const name = str(m.payload, "name");
  return (
    <>
      <Label icon={<LayoutTemplate aria-hidden className="size-3.5" />}>{name ? t("chat.template.sentNamed", { name }) : t("chat.template.sent")}</Label>
      {m.body ? <RichText text={m.body} /> : null}
    </>
  );
}

export function MessageContent({ message: m }: { message: Message }) {
  const { t } = useTranslation();
  switch (m.type) {
    case "text":
      return <RichText text={m.body ?? ""} />;
    case "image":
      return <ImageContent m={m} />;
    case "sticker":
      return <ImageContent m={m} sticker />;
    case "audio":
      return m.media?.url ? <audio controls preload="metadata" src={m.media.url} className="h-10 w-64 max-w-full" aria-label={t("chat.media.audio")} /> : <Missing m={m} />;
    case "video":
      return m.media?.url ? (
        <>
          <video controls preload="metadata" src={m.media.url} className="h-60 w-full max-w-72 rounded-md bg-black" aria-label={t("chat.media.video")} />
          <Caption m={m} />
        </>
      ) : (
        <Missing m={m} />
      );
    case "document":
      return <DocumentContent m={m} />;
    case "location":
      return <LocationContent m={m} />;
    case "contact":
    case "contacts":
      return <ContactsContent m={m} />;
    case "interactive":
    case "button":
      return <InteractiveContent m={m} />;
    case "template":
      return <TemplateContent m={m} />;
    case "unsupported":
      return <Notice>{t("chat.unsupported")}</Notice>;
    default:
      return m.body ? <RichText text={m.body} /> : <Notice>{t("chat.unsupported")}</Notice>;
  }
}
