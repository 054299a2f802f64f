// "Atender": the caller takes an unassigned conversation (the chat header and the list's rows).

import { Hand } from "lucide-react";
import { useTranslation } from "react-i18next";

import { ApiError } from "../../../api/errors";
import { Button } from "../../../components/ui/Button";
import { toast } from "../../../components/ui/Toaster";
import { useTake } from "../../../inbox/lifecycle";
import { useApiError } from "../../../lib/useApiError";

interface Props {
  conversationId: string;
  /** A list row's small button. */
  compact?: boolean;
  /**
   * Inside a narrow `@container` (under 32rem: the chat header on a phone, or beside the list on a
   * tablet) only the hand shows, so the contact's number fits; the label stays for screen readers.
   */
  iconOnlyWhenNarrow?: boolean;
}

export function TakeButton({ conversationId, compact = false, iconOnlyWhenNarrow = false }: Props) {
  const { t } = useTranslation();
  const { message } = useApiError();
  const take = useTake(conversationId);
  return (
    <Button
      data-testid="take-conversation"
      variant={compact ? "secondary" : "primary"}
      size="sm"
      className={compact ? "h-7 px-2 text-xs" : undefined}
      title={t("lifecycle.takeHint")}
      loading={take.isPending}
      icon={<Hand aria-hidden className="size-4" />}
      onClick={(e) => {
        // In a list row: taking does not also open the conversation.
        e.preventDefault();
        e.stopPropagation();
        take.mutate(undefined, {
          onSuccess: () => toast.success(t("lifecycle.taken")),
          onError: (err) => toast.error(err instanceof ApiError && err.code === "conversation_taken" ? t("lifecycle.takenByOther") : message(err)),
        });
      }}
    >
      {iconOnlyWhenNarrow ? <span className="sr-only @lg:not-sr-only">{t("lifecycle.take")}</span> : t("lifecycle.take")}
    </Button>
  );
}
