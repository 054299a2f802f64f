// One item of the simulator's transcript: what the bot sends as a chat bubble (text, media, a
// template, buttons, a list — buttons and rows answer when clicked), anything else as a note.

import { useTranslation } from "react-i18next";

import { formatDateTime } from "../../../lib/format";
import type { SimItem } from "../../../automation/flows/effects";

const bubble = "max-w-[85%] rounded-2xl rounded-tl-sm bg-white px-3 py-2 text-sm whitespace-pre-wrap text-slate-800 shadow-xs ring-1 ring-slate-200";
const choice = "block w-full rounded-lg border border-sky-200 bg-sky-50 px-2 py-1 text-center text-sm font-medium text-sky-800 hover:bg-sky-100 disabled:opacity-60";

export function SimBubble({ item, onAnswer, busy }: { item: SimItem; onAnswer: (text: string) => void; busy: boolean }) {
  const { t } = useTranslation();
  const note = (text: string) => (
    <p data-testid="sim-note" className="mx-auto max-w-[90%] rounded-md bg-slate-200/70 px-2 py-0.5 text-center text-xs text-slate-600">
      {text}
    </p>
  );
  switch (item.kind) {
    case "text":
      return <div data-testid="sim-bot" className={bubble}>{item.text}</div>;
    case "media":
      return (
        <div data-testid="sim-bot" className={bubble}>
          <a href={item.url} target="_blank" rel="noreferrer" className="block font-medium text-sky-700 underline">
            {t(`automation.message.media.${item.media}`)}
            {item.fileName ? `: ${item.fileName}` : ""}
          </a>
          {item.caption ? <span>{item.caption}</span> : null}
        </div>
      );
    case "template":
      return (
        <div data-testid="sim-bot" className={bubble}>
          <span className="font-medium">{t("automation.summary.template", { name: item.name, language: item.language })}</span>
          {item.parameters.length > 0 ? <span className="block text-xs text-slate-500">{item.parameters.join(" · ")}</span> : null}
        </div>
      );
    case "buttons":
      return (
        <div data-testid="sim-bot" className={`${bubble} space-y-1.5`}>
          <p>{item.text}</p>
          {item.buttons.map((b) => (
            <button key={b.id} type="button" className={choice} disabled={busy} onClick={() => onAnswer(b.title)}>
              {b.title}
            </button>
          ))}
        </div>
      );
    case "list":
      return (
        <div data-testid="sim-bot" className={`${bubble} space-y-1.5`}>
          <p>{item.text}</p>
          <p className="text-center text-xs font-medium text-sky-700">☰ {item.button}</p>
          {item.rows.map((r) => (
            <button key={r.id} type="button" className={choice} disabled={busy} onClick={() => onAnswer(r.title)}>
              {r.title}
              {r.description ? <span className="block text-xs font-normal text-slate-500">{r.description}</span> : null}
            </button>
          ))}
        </div>
      );
    case "note":
      return note(t(`automation.sim.${item.note}`, { count: item.count }));
    case "transfer":
      return note(t("automation.sim.transfer", { target: t(`automation.transfer.targets.${item.target.to}`) }));
    case "resolve":
      return note(t("automation.sim.resolve"));
    case "webhook":
      return note(t("automation.sim.webhook", { method: item.method, url: item.url }));
    case "wait":
      return note(t("automation.sim.wait", { at: formatDateTime(item.at) }));
    case "log":
      return note(item.message);
    case "ended":
      return note(t("automation.sim.ended", { reason: t(`automation.sim.reasons.${item.reason}`) }));
  }
}
