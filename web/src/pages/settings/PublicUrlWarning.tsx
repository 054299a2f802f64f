// In the WhatsApp connect form: Meta delivers webhooks only to a public HTTPS address. When the
// server's ATENDE_PUBLIC_URL is http:// or a local address, say so before the admin pastes a URL
// Meta will refuse, and how to fix it.

import { useQuery } from "@tanstack/react-query";
import { AlertTriangle } from "lucide-react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";

export function PublicUrlWarning() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ["channels", "setup"], staleTime: 5 * 60_000, queryFn: () => unwrap(api.GET("/api/v1/channels/setup")) });
  const s = q.data;
  if (!s || (s.https && !s.local)) return null;
  return (
    <div data-testid="public-url-warning" role="alert" className="mb-3 flex gap-2 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-200">
      <AlertTriangle aria-hidden className="mt-0.5 size-4 shrink-0" />
      <div className="min-w-0 space-y-1">
        <p className="font-medium">{s.https ? t("channels.connect.localTitle") : t("channels.connect.httpTitle")}</p>
        <p className="[overflow-wrap:anywhere]">{t("channels.connect.current", { url: s.public_url })}</p>
        <p>
          {t("channels.connect.howTo")} <code className="rounded bg-amber-100 px-1 font-mono text-xs">ATENDE_PUBLIC_URL=https://atende.suaempresa.com.br</code>
        </p>
        {s.local ? <p>{t("channels.connect.tunnel")}</p> : null}
      </div>
    </div>
  );
}
