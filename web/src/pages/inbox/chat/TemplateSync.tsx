// "Sincronizar" in the template dialog: brings the channel's templates from WhatsApp now (a
// template approved minutes ago), without sending the agent to Settings. Anyone who works
// conversations may sync one channel (the API allows it); viewers do not see the button.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RefreshCw } from "lucide-react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../../api/client";
import { Button } from "../../../components/ui/Button";
import { toast } from "../../../components/ui/Toaster";
import { useRole } from "../../../lib/me";
import { can } from "../../../lib/permissions";
import { useApiError } from "../../../lib/useApiError";

export function TemplateSyncButton({ channelId }: { channelId: string }) {
  const { t } = useTranslation();
  const { message } = useApiError();
  const qc = useQueryClient();
  const allowed = can(useRole(), "conversations.work");
  const sync = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/whatsapp/templates/sync", { body: { channel_id: channelId } })),
    onSuccess: (reports) => {
      const r = reports[0];
      if (r?.error) toast.error(t("channels.templates.failed", { reason: r.error }));
      else toast.success(t("channels.templates.synced", { count: r?.synced ?? 0 }));
      void qc.invalidateQueries({ queryKey: ["templates"] });
    },
    onError: (e) => toast.error(message(e)),
  });
  if (!allowed) return null;
  return (
    <Button data-testid="template-sync" variant="secondary" size="sm" loading={sync.isPending} icon={<RefreshCw aria-hidden className="size-4" />} onClick={() => sync.mutate()}>
      {t("channels.templates.sync")}
    </Button>
  );
}
