// Sending from the pane: one Idempotency-Key per new message (the same one when the agent retries
// the request that failed, so a send that did reach the server is not duplicated), and the
// message for a refused send (the first field's message of a validation error).

import { useCallback } from "react";
import { useTranslation } from "react-i18next";

import { ApiError, fieldMessage } from "../../../api/errors";
import type { Translate } from "../../../api/errors";
import { newIdempotencyKey, useSendMessage } from "../../../inbox/queries";
import type { SendBody } from "../../../inbox/queries";
import { useApiError } from "../../../lib/useApiError";

/**
 * The unconfirmed send per conversation id: its body's signature and key. Module-level, so a retry
 * after the pane remounted (or the template dialog reopened) still reuses the key.
 */
const pendingKeys = new Map<string, { sig: string; key: string }>();

/** The Idempotency-Key for sending `body` now: the failed attempt's when it is the same body. */
export function keyFor(conversationId: string, body: SendBody): string {
  const sig = JSON.stringify(body);
  const last = pendingKeys.get(conversationId);
  const key = last?.sig === sig ? last.key : newIdempotencyKey();
  pendingKeys.set(conversationId, { sig, key });
  return key;
}

/** The send went through: the next one gets a new key. */
export function sendDone(conversationId: string, key: string) {
  if (pendingKeys.get(conversationId)?.key === key) pendingKeys.delete(conversationId);
}

export function useChatSend(conversationId: string) {
  const { mutateAsync, isPending } = useSendMessage(conversationId);
  const send = useCallback(
    async (body: SendBody) => {
      const key = keyFor(conversationId, body);
      const sent = await mutateAsync({ body, key });
      sendDone(conversationId, key);
      return sent;
    },
    [conversationId, mutateAsync],
  );
  return { send, pending: isPending };
}

/** The message for a failed send: a validation error's first field, else the code's message (`errors.*`). */
export function useChatError() {
  const { t } = useTranslation();
  const { message } = useApiError();
  return useCallback(
    (e: unknown): string => {
      const err = e instanceof ApiError ? e : null;
      switch (err?.code) {
        case "validation_failed": {
          const first = Object.values(err.fields)[0]?.[0];
          return first ? fieldMessage(t as unknown as Translate, first) : message(e);
        }
        default:
          return message(e);
      }
    },
    [t, message],
  );
}
