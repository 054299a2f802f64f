// The side panel's "Simular" tab: a chat with the draft. Each message replays the whole
// conversation through POST /flows/{id}/preview (nothing is sent to anyone); the bot's new
// replies appear under the message, and the nodes it ran through light up on the canvas.

import { RotateCcw, SendHorizontal } from "lucide-react";
import type { FormEvent } from "react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { Button, IconButton } from "../../../components/ui/Button";
import { Input } from "../../../components/ui/Field";
import { Alert } from "../../../components/ui/States";
import { useApiError } from "../../../lib/useApiError";
import { FlowInvalidError, usePreviewFlow } from "../../../automation/flows/api";
import { simItems, transcript } from "../../../automation/flows/effects";
import type { SimItem } from "../../../automation/flows/effects";
import type { FlowIssues } from "../../../automation/flows/issues";
import { SimBubble } from "./SimBubble";

interface Props {
  flowId: string;
  /** Saves unsaved changes first (the preview runs the saved draft); false when that failed. */
  ensureSaved: () => Promise<boolean>;
  /** The path of the last preview (empty when reset). */
  onPath: (path: string[]) => void;
  /** The draft cannot run: its issues, to mark on the canvas. */
  onIssues: (issues: FlowIssues) => void;
}

interface SimState {
  messages: string[];
  counts: number[];
  items: SimItem[];
  status: string | null;
}

const EMPTY: SimState = { messages: [], counts: [], items: [], status: null };

export function Simulator({ flowId, ensureSaved, onPath, onIssues }: Props) {
  const { t } = useTranslation();
  const { message } = useApiError();
  const preview = usePreviewFlow();
  const [sim, setSim] = useState<SimState>(EMPTY);
  const [text, setText] = useState("");
  const [error, setError] = useState<unknown>(null);
  const busy = preview.isPending;

  const send = async (raw: string) => {
    const msg = raw.trim();
    if (!msg || busy) return;
    setError(null);
    if (!(await ensureSaved())) return;
    const messages = [...sim.messages, msg];
    try {
      const res = await preview.mutateAsync({ id: flowId, messages });
      const items = simItems(res.replies);
      setSim({ messages, counts: [...sim.counts, items.length], items, status: res.status });
      setText("");
      onPath(res.path);
    } catch (e) {
      if (e instanceof FlowInvalidError) onIssues(e.issues);
      setError(e);
    }
  };

  const reset = () => {
    setSim(EMPTY);
    setError(null);
    onPath([]);
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void send(text);
  };

  const turns = transcript(sim.messages, sim.counts, sim.items);
  return (
    <section aria-label={t("automation.sim.title")} className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-2 border-b border-slate-200 px-4 py-2">
        <p className="flex-1 text-xs text-slate-500">{t("automation.sim.hint")}</p>
        <IconButton label={t("automation.sim.reset")} icon={<RotateCcw aria-hidden className="size-4" />} onClick={reset} disabled={busy || sim.messages.length === 0} />
      </div>
      <ol aria-label={t("automation.sim.conversation")} className="min-h-0 flex-1 space-y-2 overflow-y-auto bg-[#efeae2] p-3">
        {turns.length === 0 ? <li className="py-6 text-center text-sm text-slate-500">{t("automation.sim.empty")}</li> : null}
        {turns.map((turn, i) =>
          turn.from === "customer" ? (
            <li key={i} className="flex justify-end">
              <div data-testid="sim-customer" className="max-w-[85%] rounded-2xl rounded-tr-sm bg-[#d9fdd3] px-3 py-2 text-sm whitespace-pre-wrap text-slate-800 shadow-xs">
                {turn.text}
              </div>
            </li>
          ) : (
            <li key={i} className="flex">
              <SimBubble item={turn.item} busy={busy} onAnswer={(a) => void send(a)} />
            </li>
          ),
        )}
      </ol>
      {sim.status ? (
        <p className="border-t border-slate-200 px-4 py-1 text-xs text-slate-600" data-testid="sim-status">
          {t("automation.sim.status", { status: t(`automation.sim.statuses.${sim.status}`, { defaultValue: sim.status }) })}
        </p>
      ) : null}
      {error ? (
        <div className="px-4 pt-2">
          <Alert>{error instanceof FlowInvalidError ? t("automation.sim.invalid") : message(error)}</Alert>
        </div>
      ) : null}
      <form onSubmit={onSubmit} className="flex gap-2 border-t border-slate-200 p-3">
        <Input aria-label={t("automation.sim.input")} placeholder={t("automation.sim.placeholder")} value={text} onChange={(e) => setText(e.target.value)} />
        <Button type="submit" loading={busy} disabled={!text.trim()} icon={<SendHorizontal aria-hidden className="size-4" />} aria-label={t("automation.sim.send")} />
      </form>
    </section>
  );
}
