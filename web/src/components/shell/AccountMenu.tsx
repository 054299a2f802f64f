import * as Dropdown from "@radix-ui/react-dropdown-menu";
import { Link } from "@tanstack/react-router";
import { LogOut, UserRound } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ConfirmDialog } from "../ui/Dialog";

const item = "flex cursor-pointer items-center gap-2 rounded-md px-2 py-2 text-sm text-slate-800 outline-none data-[highlighted]:bg-brand-50";

/**
 * The phone top bar's account menu. Signing out used to be a lone icon at the top right, where a
 * thumb reaching for the bar ended an agent's session mid-shift (issue 10): now it sits in this
 * menu, after the profile, and asks for confirmation.
 */
export function AccountMenu({ name, email, onSignOut }: { name: string; email: string; onSignOut: () => Promise<void> }) {
  const { t } = useTranslation();
  const [confirm, setConfirm] = useState(false);
  const [leaving, setLeaving] = useState(false);
  return (
    <>
      <Dropdown.Root>
        <Dropdown.Trigger data-testid="account-menu" aria-label={t("inboxlist.account.menu")} title={t("inboxlist.account.menu")} className="rounded-lg p-2 hover:bg-white/10">
          <UserRound aria-hidden className="size-5" />
        </Dropdown.Trigger>
        <Dropdown.Portal>
          <Dropdown.Content align="end" sideOffset={6} collisionPadding={8} className="z-50 w-64 rounded-lg border border-slate-200 bg-white p-1 shadow-lg">
            <div className="min-w-0 px-2 py-1.5">
              <p className="truncate text-sm font-medium text-slate-900">{name}</p>
              <p className="truncate text-xs text-slate-500">{email}</p>
            </div>
            <Dropdown.Separator className="my-1 h-px bg-slate-100" />
            <Dropdown.Item asChild className={item}>
              <Link to="/profile">
                <UserRound aria-hidden className="size-4 text-slate-500" />
                {t("nav.profile")}
              </Link>
            </Dropdown.Item>
            <Dropdown.Separator className="my-1 h-px bg-slate-100" />
            <Dropdown.Item data-testid="account-sign-out" className={item} onSelect={() => setConfirm(true)}>
              <LogOut aria-hidden className="size-4 text-slate-500" />
              {t("shell.signOut")}
            </Dropdown.Item>
          </Dropdown.Content>
        </Dropdown.Portal>
      </Dropdown.Root>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title={t("inboxlist.account.confirmTitle")}
        description={t("inboxlist.account.confirmText")}
        confirmLabel={t("shell.signOut")}
        loading={leaving}
        onConfirm={() => {
          setLeaving(true);
          void onSignOut().finally(() => setLeaving(false));
        }}
      />
    </>
  );
}
