import { describe, expect, it } from "vitest";

import type { Translate } from "../../../api/errors";
import i18n from "../../../i18n";
import type { Message } from "../../../inbox/queries";
import { systemText } from "./system";
import type { Directory } from "./system";

describe("resolve and reopen lines", () => {
  const dir: Directory = { me: "u-me", members: new Map([["u-maria", "Maria"]]), teams: new Map(), departments: new Map() };
  const pt = i18n.getFixedT("pt-BR") as unknown as Translate;
  const en = i18n.getFixedT("en") as unknown as Translate;
  const line = (body: string, payload: object) => ({ id: "s", body, type: "system", author: "system", payload }) as unknown as Message;

  it("says who resolved, reopened or undid, in the reader's words", () => {
    const from = { status: "open", assignee_id: "u-maria" };
    expect(systemText(line("resolved", { from, by: "u-maria" }), dir, pt)).toBe("Maria resolveu a conversa.");
    expect(systemText(line("resolved", { from, by: "u-me" }), dir, pt)).toBe("Você resolveu a conversa.");
    expect(systemText(line("reopened", { from: { status: "resolved" }, by: "u-maria" }), dir, pt)).toBe("Maria reabriu a conversa.");
    expect(systemText(line("reopened", { from: { status: "resolved" }, by: "u-me", undo: "m-1" }), dir, pt)).toBe("Você desfez a resolução.");
    expect(systemText(line("resolved", { by: "u-gone" }), dir, en)).toBe("Someone resolved the conversation.");
  });
});

describe("message time", () => {
  it("is the customer's send time for inbound messages, the writing time otherwise", async () => {
    const { messageTime, buildTimeline, localDay } = await import("./timeline");
    const inbound = { id: "a", direction: "inbound", provider_timestamp: "2026-12-06T23:59:00Z", created_at: "2026-12-07T00:01:00Z" } as Message;
    expect(messageTime(inbound)).toBe("2026-12-06T23:59:00Z");
    expect(messageTime({ ...inbound, provider_timestamp: null })).toBe("2026-12-07T00:01:00Z");
    expect(messageTime({ ...inbound, direction: "outbound" })).toBe("2026-12-07T00:01:00Z");
    // The day separator follows the send time too (a message sent days before it arrived).
    const m = { ...inbound, provider_timestamp: "2026-12-01T12:00:00Z", created_at: "2026-12-05T12:00:00Z", author: "contact", type: "text", body: "oi", is_private_note: false } as Message;
    const days = buildTimeline([m]).filter((i) => i.kind === "day");
    expect(days).toEqual([expect.objectContaining({ day: localDay("2026-12-01T12:00:00Z") })]);
    expect(localDay("2026-12-01T12:00:00Z")).not.toBe(localDay("2026-12-05T12:00:00Z"));
  });
});
