// "Atender": the caller takes an unassigned conversation (the chat header and the list's rows).

import { Hand } from "lucide-react";
import { useTranslation } from "react-i18next";

import { ApiError } from "../../../api/errors";
import { Button } from "../../../components/ui/Button";
import { toast } from "../../../components/ui/Toaster";
import { useTake } from "../../../inbox/lifecycle";
import { useApiError } from "../../../lib/useApiError";

export function TakeButton({ conversationId, compact = false }: { conversationId: string; compact?: boolean }) {
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
      {t("lifecycle.take")}
    </Button>
  );
}
