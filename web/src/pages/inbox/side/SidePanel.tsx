import { X } from "lucide-react";
import { useTranslation } from "react-i18next";

import { IconButton } from "../../../components/ui/Button";
import { ErrorState, LoadingBlock } from "../../../components/ui/States";
import { useConversation } from "../../../inbox/queries";
import { Assignment } from "./Assignment";
import { ContactCard } from "./ContactCard";
import { ConversationActions } from "./ConversationActions";
import { CustomAttributes } from "./CustomAttributes";
import { useContact, usePanelRights, useRunner, useSetContactTags } from "./hooks";
import type { Contact } from "./hooks";
import { PanelSection } from "./InlineEdit";
import { OtherConversations } from "./OtherConversations";
import { TagPicker } from "./TagPicker";

function ContactTags({ contact }: { contact: Contact }) {
  const { t } = useTranslation();
  const { editContact } = usePanelRights();
  const setTags = useSetContactTags(contact.id);
  const run = useRunner();
  return (
    <PanelSection title={t("conv.tags.contact")}>
      <TagPicker label={t("conv.tags.contact")} tags={contact.tags} disabled={!editContact} onChange={(ids) => run(setTags, ids, false)} />
    </PanelSection>
  );
}

/**
 * The contact and the conversation's actions, beside the chat (over it on smaller screens):
 * who the contact is, their fields and tags, status, snooze, priority, assignment, transfer.
 */
export function SidePanel({ conversationId, onClose }: { conversationId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const conv = useConversation(conversationId);
  const contact = useContact(conv.data?.contact.id);
  const c = conv.data;
  return (
    <div className="flex min-h-full flex-col">
      <header className="sticky top-0 z-10 flex h-14 shrink-0 items-center justify-between border-b border-slate-200 bg-white px-3">
        <h2 className="text-base font-semibold text-slate-900">{t("inbox.detailsLabel")}</h2>
        <IconButton data-testid="details-close" label={t("conv.side.close")} icon={<X aria-hidden className="size-5" />} onClick={onClose} />
      </header>
      {conv.isPending ? (
        <div className="p-4">
          <LoadingBlock rows={4} />
        </div>
      ) : conv.isError ? (
        <div className="p-4">
          <ErrorState error={conv.error} onRetry={() => void conv.refetch()} />
        </div>
      ) : c ? (
        <>
          {contact.data ? <ContactCard contact={contact.data} /> : contact.isError ? <div className="p-4"><ErrorState error={contact.error} onRetry={() => void contact.refetch()} /></div> : <div className="p-4"><LoadingBlock rows={1} /></div>}
          <ConversationActions conversation={c} />
          <Assignment conversation={c} />
          {contact.data ? (
            <>
              <ContactTags contact={contact.data} />
              <CustomAttributes contact={contact.data} />
            </>
          ) : null}
          <OtherConversations contactId={c.contact.id} currentId={c.id} />
        </>
      ) : null}
    </div>
  );
}
