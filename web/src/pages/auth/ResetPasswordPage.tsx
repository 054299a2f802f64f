import { useMutation } from "@tanstack/react-query";
import { Link, useSearch } from "@tanstack/react-router";
import { ArrowLeft, CheckCircle2, KeyRound, Link as LinkIcon } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { AuthLayout } from "../../auth/AuthLayout";
import { Button } from "../../components/ui/Button";
import { Field } from "../../components/ui/Field";
import { PasswordInput } from "../../components/ui/PasswordInput";
import { Alert } from "../../components/ui/States";
import { useApiError } from "../../lib/useApiError";

const primaryLink = "mt-4 inline-flex h-10 w-full items-center justify-center gap-2 rounded-lg bg-brand-700 px-4 text-sm font-medium text-white hover:bg-brand-800";

/**
 * The page of the e-mailed reset link (`/auth/reset?token=…`): a new password, twice. Saving
 * ends every session (the API does it), so the page sends the person to sign in again rather
 * than signing in itself — an account with a second factor still asks for its code.
 */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const { token } = useSearch({ from: "/auth/reset" });
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/auth/password-reset/confirm", { body: { token: token ?? "", password } })),
  });
  const err = reset.error;
  const invalidLink = !token || (err instanceof ApiError && err.code === "invalid_token");

  if (reset.isSuccess) {
    return (
      <AuthLayout title={t("people.reset.doneTitle")}>
        <Alert kind="success">{t("people.reset.done")}</Alert>
        <Link to="/login" search={{ redirect: undefined }} className={primaryLink}>
          <KeyRound aria-hidden className="size-4" />
          {t("auth.signIn")}
        </Link>
      </AuthLayout>
    );
  }

  if (invalidLink) {
    return (
      <AuthLayout title={t("people.reset.invalidTitle")}>
        <Alert kind="warning">{token ? t("people.reset.invalid") : t("people.reset.missing")}</Alert>
        <Link to="/auth/forgot" className={primaryLink}>
          <LinkIcon aria-hidden className="size-4" />
          {t("people.reset.requestNew")}
        </Link>
        <Link to="/login" search={{ redirect: undefined }} className="mt-2 inline-flex h-10 w-full items-center justify-center gap-2 rounded-lg text-sm font-medium text-slate-700 hover:bg-slate-100">
          <ArrowLeft aria-hidden className="size-4" />
          {t("auth.backToSignIn")}
        </Link>
      </AuthLayout>
    );
  }

  const general = err && !field(err, "password") ? message(err) : null;
  return (
    <AuthLayout title={t("people.reset.title")} subtitle={t("people.reset.subtitle")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (password !== confirm) {
            setMismatch(true);
            return;
          }
          setMismatch(false);
          reset.mutate();
        }}
      >
        {general ? (
          <div className="mb-3">
            <Alert>{general}</Alert>
          </div>
        ) : null}
        <Field label={t("auth.newPassword")} error={field(err, "password")} hint={t("auth.passwordHint")}>
          <PasswordInput autoComplete="new-password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field label={t("auth.confirmPassword")} error={mismatch ? t("auth.passwordMismatch") : undefined}>
          <PasswordInput autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </Field>
        <Button type="submit" className="w-full" loading={reset.isPending} icon={<CheckCircle2 aria-hidden className="size-4" />}>
          {t("people.reset.submit")}
        </Button>
      </form>
    </AuthLayout>
  );
}
