import { useMutation } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { ArrowLeft, Mail } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import { AuthLayout } from "../../auth/AuthLayout";
import { Button } from "../../components/ui/Button";
import { Field, Input } from "../../components/ui/Field";
import { Alert } from "../../components/ui/States";
import { useApiError } from "../../lib/useApiError";

const back = "mt-4 inline-flex h-10 w-full items-center justify-center gap-2 rounded-lg px-4 text-sm font-medium text-slate-700 hover:bg-slate-100";

/** "Esqueci a senha": asks for the e-mail; the answer is the same whether an account exists. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const [email, setEmail] = useState("");
  const request = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/auth/password-reset", { body: { email: email.trim() } })),
  });

  if (request.isSuccess) {
    return (
      <AuthLayout title={t("people.forgot.sentTitle")}>
        <Alert kind="success">{t("people.forgot.sent", { email: email.trim() })}</Alert>
        <Link to="/login" search={{ redirect: undefined }} className={back}>
          <ArrowLeft aria-hidden className="size-4" />
          {t("auth.backToSignIn")}
        </Link>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t("people.forgot.title")} subtitle={t("people.forgot.subtitle")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          request.mutate();
        }}
      >
        {request.error && !field(request.error, "email") ? (
          <div className="mb-3">
            <Alert>{message(request.error)}</Alert>
          </div>
        ) : null}
        <Field label={t("auth.email")} error={field(request.error, "email")}>
          <Input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Button type="submit" className="w-full" loading={request.isPending} icon={<Mail aria-hidden className="size-4" />}>
          {t("people.forgot.send")}
        </Button>
        <Link to="/login" search={{ redirect: undefined }} className={back}>
          <ArrowLeft aria-hidden className="size-4" />
          {t("auth.backToSignIn")}
        </Link>
      </form>
    </AuthLayout>
  );
}
