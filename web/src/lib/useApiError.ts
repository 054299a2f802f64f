import { useCallback } from "react";
import { useTranslation } from "react-i18next";

import { type Translate, errorMessage, fieldError } from "../api/errors";

/** Translated messages for API errors in components. */
export function useApiError() {
  const { t } = useTranslation();
  const tr = t as unknown as Translate;
  const message = useCallback((e: unknown) => errorMessage(tr, e), [tr]);
  const field = useCallback((e: unknown, name: string) => fieldError(tr, e, name), [tr]);
  return { message, field };
}
