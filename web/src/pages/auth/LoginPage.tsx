import { useMutation } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { ArrowLeft, KeyRound, Mail } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/errors";
import { AuthLayout } from "../../auth/AuthLayout";
import { useSession } from "../../auth/session";
import { useStartSession } from "../../auth/useSignedIn";
import { Button } from "../../components/ui/Button";
import { Field, Input } from "../../components/ui/Field";
import { PasswordInput } from "../../components/ui/PasswordInput";
import { Alert } from "../../components/ui/States";
import { useApiError } from "../../lib/useApiError";

type Step = "password" | "totp" | "magic" | "magic-sent";

/** Where to go after signing in: only paths of this app, never another origin. */
export function safeRedirect(target: string | undefined): string {
  if (!target || !target.startsWith("/") || target.startsWith("//") || target.startsWith("/login")) return "/inbox";
  return target;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const search = useSearch({ from: "/login" });
  const navigate = useNavigate();
  const startSession = useStartSession();
  const endedReason = useSession((s) => s.endedReason);

  const [step, setStep] = useState<Step>("password");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const codeRef = useRef<HTMLInputElement>(null);

  const login = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/auth/token", {
          body: { email: email.trim(), password, totp_code: step === "totp" ? code.trim() : null },
        }),
      ),
    onSuccess: async (tokens) => {
      await startSession(tokens);
      await navigate({ to: safeRedirect(search.redirect) });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === "totp_required") {
        setStep("totp");
        login.reset();
      }
    },
  });

  const magic = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/auth/magic-link", { body: { email: email.trim() } })),
    onSuccess: () => setStep("magic-sent"),
  });

  useEffect(() => {
    if (step === "totp") codeRef.current?.focus();
  }, [step]);

  const err = login.error;
  const codeError = err instanceof ApiError && err.code === "invalid_totp" ? message(err) : undefined;
  const generalError = err && !codeError && !field(err, "email") && !field(err, "password") ? message(err) : null;

  if (step === "magic-sent") {
    return (
      <AuthLayout title={t("auth.magicSentTitle")}>
        <Alert kind="success">{t("auth.magicSent", { email: email.trim() })}</Alert>
        <Button variant="secondary" className="mt-4 w-full" icon={<ArrowLeft aria-hidden className="size-4" />} onClick={() => setStep("password")}>
          {t("auth.backToSignIn")}
        </Button>
      </AuthLayout>
    );
  }

  if (step === "magic") {
    return (
      <AuthLayout title={t("auth.magicTitle")} subtitle={t("auth.magicSubtitle")}>
        <form
          noValidate
          className="space-y-1"
          onSubmit={(e) => {
            e.preventDefault();
            magic.mutate();
          }}
        >
          {magic.error && !field(magic.error, "email") ? <Alert>{message(magic.error)}</Alert> : null}
          <Field label={t("auth.email")} error={field(magic.error, "email")}>
            <Input type="email" autoComplete="email" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <Button type="submit" className="w-full" loading={magic.isPending} icon={<Mail aria-hidden className="size-4" />}>
            {t("auth.sendLink")}
          </Button>
          <Button variant="ghost" className="mt-2 w-full" onClick={() => setStep("password")}>
            {t("auth.usePassword")}
          </Button>
        </form>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title={step === "totp" ? t("auth.totpTitle") : t("auth.signInTitle")}
      subtitle={step === "totp" ? t("auth.totpSubtitle") : t("auth.signInSubtitle")}
    >
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          login.mutate();
        }}
      >
        {endedReason && !err ? (
          <div className="mb-3">
            <Alert kind="warning">
              {endedReason === "invalid_token" || endedReason === "token_expired"
                ? t("auth.sessionEnded")
                : message(new ApiError(401, endedReason, t("auth.sessionEnded")))}
            </Alert>
          </div>
        ) : null}
        {generalError ? (
          <div className="mb-3">
            <Alert>{generalError}</Alert>
          </div>
        ) : null}
        {step === "password" ? (
          <>
            <Field label={t("auth.email")} error={field(err, "email")}>
              <Input type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
            </Field>
            <Field label={t("auth.password")} error={field(err, "password")}>
              <PasswordInput name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </Field>
            <p className="-mt-2 mb-3 text-right text-sm">
              <Link to="/auth/forgot" className="font-medium text-brand-700 hover:underline">
                {t("people.forgot.link")}
              </Link>
            </p>
          </>
        ) : (
          <Field label={t("auth.totpCode")} error={codeError} hint={t("auth.totpHint")}>
            <Input
              ref={codeRef}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={6}
              required
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))}
              className="text-center font-mono text-lg tracking-[0.5em]"
            />
          </Field>
        )}
        <Button type="submit" className="w-full" loading={login.isPending} icon={<KeyRound aria-hidden className="size-4" />}>
          {step === "totp" ? t("auth.verify") : t("auth.signIn")}
        </Button>
        {step === "password" ? (
          <Button variant="ghost" className="mt-2 w-full" icon={<Mail aria-hidden className="size-4" />} onClick={() => setStep("magic")}>
            {t("auth.useMagicLink")}
          </Button>
        ) : (
          <Button
            variant="ghost"
            className="mt-2 w-full"
            onClick={() => {
              setStep("password");
              setCode("");
              login.reset();
            }}
          >
            {t("auth.backToSignIn")}
          </Button>
        )}
      </form>
    </AuthLayout>
  );
}
