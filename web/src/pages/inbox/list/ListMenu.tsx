import * as Dropdown from "@radix-ui/react-dropdown-menu";
import { Bell, Check, EllipsisVertical, Keyboard, Volume2 } from "lucide-react";
import type { ComponentType, ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { useAttention } from "../../../inbox/attentionState";

/** The inbox's dropdown menus: their panel and their items. */
export const menuPanel = "z-50 w-64 rounded-lg border border-slate-200 bg-white p-1 shadow-lg";

export const menuItem =
  "flex cursor-pointer items-center gap-2 rounded-md px-2 py-2 text-sm text-slate-800 outline-none data-[disabled]:cursor-default data-[disabled]:text-slate-400 data-[highlighted]:bg-brand-50";

function Toggle({ icon: Icon, checked, onChange, children, hint }: { icon: ComponentType<{ className?: string; "aria-hidden"?: boolean }>; checked: boolean; onChange: (on: boolean) => void; children: ReactNode; hint?: string | undefined }) {
  return (
    <Dropdown.CheckboxItem checked={checked} onCheckedChange={onChange} onSelect={(e) => e.preventDefault()} className={menuItem}>
      <Icon aria-hidden className="size-4 text-slate-500" />
      <span className="flex-1">
        {children}
        {hint ? <span className="block text-xs text-slate-500">{hint}</span> : null}
      </span>
      <Dropdown.ItemIndicator>
        <Check aria-hidden className="size-4 text-brand-700" />
      </Dropdown.ItemIndicator>
    </Dropdown.CheckboxItem>
  );
}

/** The list header's menu: sound and desktop notifications on/off, the keyboard shortcuts. */
export function ListMenu({ onShortcuts }: { onShortcuts: () => void }) {
  const { t } = useTranslation();
  const a = useAttention();
  const notifyHint =
    a.permission === "denied" ? t("conv.attention.blocked") : a.permission === "unsupported" ? t("conv.attention.unsupported") : undefined;
  return (
    <Dropdown.Root>
      <Dropdown.Trigger
        aria-label={t("conv.list.menu")}
        title={t("conv.list.menu")}
        className="inline-flex size-9 shrink-0 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100"
      >
        <EllipsisVertical aria-hidden className="size-5" />
      </Dropdown.Trigger>
      <Dropdown.Portal>
        <Dropdown.Content align="end" sideOffset={6} collisionPadding={8} className={menuPanel}>
          <Toggle icon={Volume2} checked={a.sound} onChange={a.setSound}>
            {t("conv.attention.sound")}
          </Toggle>
          <Toggle
            icon={Bell}
            checked={a.notify && a.permission === "granted"}
            hint={notifyHint}
            onChange={(on) => {
              if (on && a.permission === "default") void a.requestPermission();
              a.setNotify(on);
            }}
          >
            {t("conv.attention.desktop")}
          </Toggle>
          <Dropdown.Separator className="my-1 h-px bg-slate-100" />
          <Dropdown.Item className={menuItem} onSelect={onShortcuts}>
            <Keyboard aria-hidden className="size-4 text-slate-500" />
            {t("conv.shortcuts.title")}
          </Dropdown.Item>
        </Dropdown.Content>
      </Dropdown.Portal>
    </Dropdown.Root>
  );
}
