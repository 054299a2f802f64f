import { Link } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";

import type { Translate } from "../../../api/errors";
import { Spinner } from "../../../components/ui/States";
import { formatDate } from "../../../lib/format";
import { previewText } from "../list/format";
import { useOtherConversations } from "./hooks";
import { PanelSection } from "./InlineEdit";

/** The contact's other conversations (active and resolved), as links. */
export function OtherConversations({ contactId, currentId }: { contactId: string; currentId: string }) {
  const { t } = useTranslation();
  const q = useOtherConversations(contactId, currentId);
  const items = q.data ?? [];
  return (
    <PanelSection title={t("conv.side.others")}>
      {q.isPending ? (
        <Spinner />
      ) : items.length === 0 ? (
        <p className="text-sm text-slate-500">{t("conv.side.noOthers")}</p>
      ) : (
        <ul className="-mx-2">
          {items.map((c) => (
            <li key={c.id}>
              <Link to="/inbox/$conversationId" params={{ conversationId: c.id }} className="block rounded-md px-2 py-1.5 hover:bg-slate-50">
                <span className="flex items-center justify-between gap-2 text-xs text-slate-500">
                  <span>{t(`conv.status.${c.status}`, { defaultValue: c.status })}</span>
                  <time dateTime={c.last_message_at}>{formatDate(c.last_message_at)}</time>
                </span>
                <span className="block truncate text-sm text-slate-800">{previewText(t as unknown as Translate, c.last_message) || "—"}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </PanelSection>
  );
}
