import { useMutation } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { CheckCircle2, KeyRound, LinkIcon } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { AuthLayout } from "../../auth/AuthLayout";
import { useStartSession } from "../../auth/useSignedIn";
import { Button } from "../../components/ui/Button";
import { Field, Input } from "../../components/ui/Field";
import { PasswordInput } from "../../components/ui/PasswordInput";
import { Alert, Spinner } from "../../components/ui/States";
import { useApiError } from "../../lib/useApiError";

type Stage = "checking" | "set-password" | "totp" | "invalid" | "error";

// One automatic attempt per token, even when React runs effects twice (StrictMode).
const attempted = new Set<string>();

/**
 * `/auth/magic?token=…`: the link of sign-in e-mails and invitations. Signs in at once; an
 * invitation to an account without a password first asks for one (the API answers 422 on
 * `password` without using up the link), and an account with two factors asks for a code.
 */
export function MagicLinkPage() {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const { token } = useSearch({ from: "/auth/magic" });
  const navigate = useNavigate();
  const startSession = useStartSession();

  const [stage, setStage] = useState<Stage>(token ? "checking" : "invalid");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [code, setCode] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [lastError, setLastError] = useState<unknown>(null);
  const needsPassword = useRef(false);

  const verify = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/auth/magic-link/verify", {
          body: {
            token: token ?? "",
            password: needsPassword.current ? password : null,
            name: needsPassword.current && name.trim() ? name.trim() : null,
            totp_code: stage === "totp" ? code.trim() : null,
          },
        }),
      ),
    onSuccess: async (tokens) => {
      await startSession(tokens);
      await navigate({ to: "/inbox" });
    },
    onError: (e) => {
      setLastError(e);
      if (!(e instanceof ApiError)) {
        setStage("error");
        return;
      }
      if (e.code === "invalid_token") setStage("invalid");
      else if (e.code === "totp_required") setStage("totp");
      else if (e.status === 422 && e.fields.password && !needsPassword.current) {
        // Not a mistake of the visitor: the form asks for the password it needs.
        needsPassword.current = true;
        setLastError(null);
        setStage("set-password");
      } else if (e.status === 422 || e.code === "invalid_totp") {
        // Stay on the form: the field shows what is wrong.
      } else setStage("error");
    },
  });

  useEffect(() => {
    if (!token || attempted.has(token)) return;
    attempted.add(token);
    verify.mutate();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one automatic attempt per token
  }, [token]);

  if (stage === "checking") {
    return (
      <AuthLayout title={t("auth.magicChecking")}>
        <div className="flex justify-center py-6">
          <Spinner />
        </div>
      </AuthLayout>
    );
  }

  if (stage === "invalid" || stage === "error") {
    return (
      <AuthLayout title={stage === "invalid" ? t("auth.magicInvalidTitle") : t("auth.magicErrorTitle")}>
        <Alert kind="error">{stage === "invalid" ? t("errors.invalid_token_link") : message(lastError)}</Alert>
        <Link
          to="/login"
          search={{ redirect: undefined }}
          className="mt-4 inline-flex h-10 w-full items-center justify-center gap-2 rounded-lg bg-brand-700 px-4 text-sm font-medium text-white hover:bg-brand-800"
        >
          <LinkIcon aria-hidden className="size-4" />
          {t("auth.requestNewLink")}
        </Link>
      </AuthLayout>
    );
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (stage === "set-password" && password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    verify.mutate();
  };
  const err = verify.isPending ? null : lastError;
  const codeError = err instanceof ApiError && err.code === "invalid_totp" ? message(err) : undefined;

  if (stage === "totp") {
    return (
      <AuthLayout title={t("auth.totpTitle")} subtitle={t("auth.totpSubtitle")}>
        <form noValidate onSubmit={submit} className="space-y-1">
          <Field label={t("auth.totpCode")} error={codeError} hint={t("auth.totpHint")}>
            <Input
              autoFocus
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))}
              className="text-center font-mono text-lg tracking-[0.5em]"
            />
          </Field>
          <Button type="submit" className="w-full" loading={verify.isPending} icon={<KeyRound aria-hidden className="size-4" />}>
            {t("auth.verify")}
          </Button>
        </form>
      </AuthLayout>
    );
  }

  // set-password: accepting an invitation.
  return (
    <AuthLayout title={t("auth.inviteTitle")} subtitle={t("auth.inviteSubtitle")}>
      <form noValidate onSubmit={submit} className="space-y-1">
        <Field label={t("auth.yourName")} error={field(err, "name")} hint={t("auth.yourNameHint")}>
          <Input autoComplete="name" autoFocus value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t("auth.newPassword")} error={field(err, "password")} hint={t("auth.passwordHint")}>
          <PasswordInput autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field label={t("auth.confirmPassword")} error={mismatch ? t("auth.passwordMismatch") : undefined}>
          <PasswordInput autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </Field>
        <Button type="submit" className="w-full" loading={verify.isPending} icon={<CheckCircle2 aria-hidden className="size-4" />}>
          {t("auth.acceptInvite")}
        </Button>
      </form>
    </AuthLayout>
  );
}
