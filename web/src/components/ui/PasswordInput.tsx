import { Eye, EyeOff } from "lucide-react";
import type { InputHTMLAttributes } from "react";
import { forwardRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { cn } from "../../lib/cn";
import { Input } from "./Field";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "type">;

/**
 * A password field with a show/hide toggle, used for every password the app asks for. The
 * props (id, aria-* from `Field`) go to the input itself; the toggle is a real button with a
 * pressed state, outside the tab order's way (after the input), and never submits the form.
 */
export const PasswordInput = forwardRef<HTMLInputElement, Props>(function PasswordInput({ className, ...rest }, ref) {
  const { t } = useTranslation();
  const [visible, setVisible] = useState(false);
  const label = visible ? t("people.password.hide") : t("people.password.show");
  return (
    <div className="relative">
      <Input ref={ref} type={visible ? "text" : "password"} className={cn("pr-10", className)} {...rest} />
      <button
        type="button"
        aria-label={label}
        title={label}
        aria-pressed={visible}
        onClick={() => setVisible((v) => !v)}
        className="absolute inset-y-0 right-0 flex w-10 items-center justify-center rounded-r-lg text-slate-500 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-brand-600"
      >
        {visible ? <EyeOff aria-hidden className="size-4" /> : <Eye aria-hidden className="size-4" />}
      </button>
    </div>
  );
});
