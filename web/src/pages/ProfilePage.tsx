import { useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Save, ShieldCheck, ShieldOff } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "../api/client";
import type { Schemas } from "../api/client";
import { QrCode } from "../components/QrCode";
import { Button } from "../components/ui/Button";
import { CopyField } from "../components/ui/CopyField";
import { Field, Input, Select } from "../components/ui/Field";
import { Badge, Card, PageHeader } from "../components/ui/Page";
import { PasswordInput } from "../components/ui/PasswordInput";
import { Alert } from "../components/ui/States";
import { toast } from "../components/ui/Toaster";
import { LANGUAGES, setLanguage } from "../i18n";
import type { Me } from "../lib/me";
import { meQueryKey, useMe } from "../lib/me";
import { useApiError } from "../lib/useApiError";

type User = Schemas["UserView"];

function useSetUser() {
  const qc = useQueryClient();
  return (user: User) => qc.setQueryData<Me>(meQueryKey, (me) => (me ? { ...me, user } : me));
}

function DetailsCard({ user }: { user: User }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const setUser = useSetUser();
  const [name, setName] = useState(user.name);
  const [locale, setLocale] = useState(user.locale);
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH("/api/v1/users/me", { body: { name: name.trim(), locale: locale as Schemas["Locale"] } })),
    onSuccess: async (u) => {
      setUser(u);
      await setLanguage(u.locale);
      toast.success(t("common.saved"));
    },
  });
  const err = save.error;
  const general = err && !field(err, "name") && !field(err, "locale") ? message(err) : null;
  return (
    <Card title={t("profile.details")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        <div className="grid gap-x-4 sm:grid-cols-2">
          <Field label={t("common.name")} error={field(err, "name")}>
            <Input autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t("profile.language")} error={field(err, "locale")}>
            <Select value={locale} onChange={(e) => setLocale(e.target.value)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`languages.${l}`)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t("common.email")} hint={t("profile.emailHint")} className="sm:col-span-2">
            <Input value={user.email} readOnly disabled />
          </Field>
        </div>
        <div className="flex justify-end">
          <Button type="submit" loading={save.isPending} disabled={name === user.name && locale === user.locale} icon={<Save aria-hidden className="size-4" />}>
            {t("common.saveChanges")}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function PasswordCard() {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => unwrap(api.PATCH("/api/v1/users/me", { body: { current_password: current, new_password: next } })),
    onSuccess: () => {
      setCurrent("");
      setNext("");
      setConfirm("");
      toast.success(t("profile.passwordChanged"));
    },
  });
  const err = change.error;
  const general = err && !field(err, "current_password") && !field(err, "new_password") ? message(err) : null;
  return (
    <Card title={t("profile.password")} description={t("profile.passwordDescription")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (next !== confirm) {
            setMismatch(true);
            return;
          }
          setMismatch(false);
          change.mutate();
        }}
      >
        {general ? <div className="mb-3"><Alert>{general}</Alert></div> : null}
        {/* Helps password managers tie the new password to the account. */}
        <input type="text" autoComplete="username" hidden readOnly />
        <div className="grid gap-x-4 sm:grid-cols-3">
          <Field label={t("profile.currentPassword")} error={field(err, "current_password")}>
            <PasswordInput autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
          </Field>
          <Field label={t("auth.newPassword")} error={field(err, "new_password")} hint={t("auth.passwordHint")}>
            <PasswordInput autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
          </Field>
          <Field label={t("auth.confirmPassword")} error={mismatch ? t("auth.passwordMismatch") : undefined}>
            <PasswordInput autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          </Field>
        </div>
        <div className="flex justify-end">
          <Button type="submit" loading={change.isPending} disabled={!current || !next} icon={<KeyRound aria-hidden className="size-4" />}>
            {t("profile.changePassword")}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function TwoFactorCard({ user }: { user: User }) {
  const { t } = useTranslation();
  const { message, field } = useApiError();
  const qc = useQueryClient();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [disabling, setDisabling] = useState(false);
  const enroll = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/users/me/totp/enroll", { body: { password } })),
    onSuccess: () => setPassword(""),
  });
  const confirm = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/users/me/totp/confirm", { body: { code: code.trim() } })),
    onSuccess: () => {
      setCode("");
      enroll.reset();
      toast.success(t("profile.totpEnabled"));
      void qc.invalidateQueries({ queryKey: meQueryKey });
    },
  });
  const disable = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/users/me/totp/disable", { body: { password, code: code.trim() } })),
    onSuccess: () => {
      setCode("");
      setPassword("");
      setDisabling(false);
      toast.success(t("profile.totpDisabled"));
      void qc.invalidateQueries({ queryKey: meQueryKey });
    },
  });
  const codeInput = (
    <Input
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      value={code}
      onChange={(e) => setCode(e.target.value.replace(/\D/g, ""))}
      className="font-mono tracking-[0.3em]"
    />
  );
  const codeErr = (e: unknown) => field(e, "code") ?? (e && (e as { code?: string }).code === "invalid_totp" ? message(e) : undefined);
  const generalOf = (e: unknown, fields: string[]) => (e && fields.every((f) => !field(e, f)) && !codeErr(e) ? message(e) : null);

  const status = user.totp_enabled ? <Badge tone="green">{t("profile.totpOn")}</Badge> : <Badge>{t("profile.totpOff")}</Badge>;

  if (user.totp_enabled) {
    return (
      <Card title={<span className="flex items-center gap-2">{t("profile.totp")} {status}</span>} description={t("profile.totpOnDescription")}>
        {!disabling ? (
          <Button variant="secondary" icon={<ShieldOff aria-hidden className="size-4" />} onClick={() => setDisabling(true)}>
            {t("profile.totpDisable")}
          </Button>
        ) : (
          <form
            noValidate
            className="space-y-1"
            onSubmit={(e) => {
              e.preventDefault();
              disable.mutate();
            }}
          >
            {generalOf(disable.error, ["password"]) ? <div className="mb-3"><Alert>{generalOf(disable.error, ["password"])}</Alert></div> : null}
            <div className="grid gap-x-4 sm:grid-cols-2">
              <Field label={t("auth.password")} error={field(disable.error, "password")}>
                <PasswordInput autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
              </Field>
              <Field label={t("auth.totpCode")} error={codeErr(disable.error)}>
                {codeInput}
              </Field>
            </div>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setDisabling(false)}>
                {t("common.cancel")}
              </Button>
              <Button type="submit" variant="danger" loading={disable.isPending}>
                {t("profile.totpDisable")}
              </Button>
            </div>
          </form>
        )}
      </Card>
    );
  }

  if (enroll.data) {
    return (
      <Card title={<span className="flex items-center gap-2">{t("profile.totp")} {status}</span>}>
        <ol className="mb-4 list-decimal space-y-1 pl-5 text-sm text-slate-700">
          <li>{t("profile.totpStep1")}</li>
          <li>{t("profile.totpStep2")}</li>
        </ol>
        <div className="flex flex-col items-start gap-6 sm:flex-row">
          <div className="rounded-xl border border-slate-200 p-2">
            <QrCode value={enroll.data.otpauth_uri} label={t("profile.totpQr")} />
          </div>
          <form
            noValidate
            className="w-full min-w-0 flex-1 space-y-1"
            onSubmit={(e) => {
              e.preventDefault();
              confirm.mutate();
            }}
          >
            <div className="mb-4">
              <p className="mb-1 text-sm font-medium text-slate-700">{t("profile.totpSecret")}</p>
              <CopyField value={enroll.data.secret} label={t("profile.totpSecret")} />
            </div>
            {generalOf(confirm.error, []) ? <div className="mb-3"><Alert>{generalOf(confirm.error, [])}</Alert></div> : null}
            <Field label={t("auth.totpCode")} error={codeErr(confirm.error)}>
              {codeInput}
            </Field>
            <div className="flex gap-2">
              <Button type="submit" loading={confirm.isPending} disabled={code.length !== 6} icon={<ShieldCheck aria-hidden className="size-4" />}>
                {t("profile.totpConfirm")}
              </Button>
              <Button variant="ghost" onClick={() => enroll.reset()}>
                {t("common.cancel")}
              </Button>
            </div>
          </form>
        </div>
      </Card>
    );
  }

  return (
    <Card title={<span className="flex items-center gap-2">{t("profile.totp")} {status}</span>} description={t("profile.totpOffDescription")}>
      <form
        noValidate
        className="space-y-1"
        onSubmit={(e) => {
          e.preventDefault();
          enroll.mutate();
        }}
      >
        {generalOf(enroll.error, ["password"]) ? <div className="mb-3"><Alert>{generalOf(enroll.error, ["password"])}</Alert></div> : null}
        <input type="text" autoComplete="username" hidden readOnly />
        <Field label={t("auth.password")} error={field(enroll.error, "password")} hint={t("profile.totpPasswordHint")} className="max-w-sm">
          <PasswordInput autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Button type="submit" loading={enroll.isPending} disabled={!password} icon={<ShieldCheck aria-hidden className="size-4" />}>
          {t("profile.totpEnable")}
        </Button>
      </form>
    </Card>
  );
}

export function ProfilePage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  if (!me) return null;
  return (
    <div className="mx-auto max-w-3xl space-y-6 p-4 md:p-8">
      <PageHeader title={t("profile.title")} description={t("profile.description")} />
      <DetailsCard key={`${me.user.name}|${me.user.locale}`} user={me.user} />
      <PasswordCard />
      <TwoFactorCard user={me.user} />
    </div>
  );
}
