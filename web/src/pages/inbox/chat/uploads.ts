// Files the agent attaches (button, drop, paste): each uploads at once with its progress, then
// goes as `{type: "media", attachment_id}` when the message is sent.

import { useCallback, useEffect, useRef, useState } from "react";

import { apiOrigin } from "../../../api/client";
import type { Schemas } from "../../../api/client";
import { toApiError } from "../../../api/errors";
import { accessToken } from "../../../auth/session";
import { newIdempotencyKey, uploadAttachment } from "../../../inbox/queries";

export type Attachment = Schemas["Attachment"];

export interface Upload {
  id: string;
  file: File;
  /** 0 to 1 while uploading. */
  progress: number;
  state: "uploading" | "ready" | "error";
  attachment?: Attachment;
  error?: unknown;
}

/** At most this many files wait in the composer at once. */
export const MAX_UPLOADS = 10;

/**
 * `POST /uploads` with upload progress (XMLHttpRequest: fetch has none). A refused token goes
 * through the API client instead, which refreshes the session and retries.
 */
export function uploadWithProgress(file: File, onProgress: (p: number) => void, signal: AbortSignal): Promise<Attachment> {
  const token = accessToken();
  if (typeof XMLHttpRequest === "undefined" || !token) return uploadAttachment(file);
  return new Promise<Attachment>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${apiOrigin}/api/v1/uploads`);
    xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 401) {
        uploadAttachment(file).then(resolve, reject);
        return;
      }
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: toApiError reports the status
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body as Attachment);
      else {
        const retryAfter = xhr.getResponseHeader("Retry-After");
        reject(toApiError(new Response(null, { status: xhr.status, headers: retryAfter ? { "Retry-After": retryAfter } : {} }), body));
      }
    };
    xhr.onerror = () => reject(new TypeError("upload failed"));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    signal.addEventListener("abort", () => xhr.abort());
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

export function useUploads(upload = uploadWithProgress) {
  const [items, setItems] = useState<Upload[]>([]);
  const aborts = useRef(new Map<string, AbortController>());

  const patch = useCallback((id: string, p: Partial<Upload>) => {
    setItems((list) => list.map((u) => (u.id === id ? { ...u, ...p } : u)));
  }, []);

  const start = useCallback(
    (id: string, file: File) => {
      const ctl = new AbortController();
      aborts.current.set(id, ctl);
      upload(file, (progress) => patch(id, { progress }), ctl.signal).then(
        (attachment) => patch(id, { state: "ready", progress: 1, attachment }),
        (error: unknown) => {
          if (!ctl.signal.aborted) patch(id, { state: "error", error });
        },
      );
    },
    [upload, patch],
  );

  const add = useCallback(
    (files: File[]) => {
      const room = Math.max(0, MAX_UPLOADS - items.length);
      const fresh = files.slice(0, room).map((file) => ({ id: newIdempotencyKey(), file, progress: 0, state: "uploading" as const }));
      setItems((list) => [...list, ...fresh]);
      for (const u of fresh) start(u.id, u.file);
    },
    [start, items.length],
  );

  const remove = useCallback((id: string) => {
    aborts.current.get(id)?.abort();
    aborts.current.delete(id);
    setItems((list) => list.filter((u) => u.id !== id));
  }, []);

  const retry = useCallback(
    (u: Upload) => {
      patch(u.id, { state: "uploading", progress: 0, error: undefined });
      start(u.id, u.file);
    },
    [patch, start],
  );

  const clear = useCallback(() => {
    aborts.current.clear();
    setItems([]);
  }, []);

  useEffect(() => {
    const map = aborts.current;
    return () => {
      for (const c of map.values()) c.abort();
    };
  }, []);

  return { items, add, remove, retry, clear, busy: items.some((u) => u.state === "uploading") };
}

export type Uploads = ReturnType<typeof useUploads>;
