// @vitest-environment jsdom
import { cleanup, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../i18n";
import { conv, fakeApi, renderApp } from "../pages/inbox/list/testkit";
import { openConversationId } from "./Attention";
import { countUnread, makeSeen, shouldNotify, titlePrefix, useAttention } from "./attentionState";
import { realtime } from "./realtime";
import type { RealtimeEvent } from "./realtime";

const inbound = (id: string, over: Partial<RealtimeEvent> = {}): RealtimeEvent => ({
  type: "message.created",
  tenant_id: "t1",
  conversation_id: id,
  message_id: `m-${id}`,
  data: { direction: "inbound" },
  ...over,
});

describe("which events notify", () => {
  const ctx = { me: "u1", openId: "c9", visible: true };
  it("rings for inbound messages in my or unassigned conversations", () => {
    expect(shouldNotify(inbound("c1"), { id: "c1", assignee_id: "u1" }, ctx)).toBe(true);
    expect(shouldNotify(inbound("c1"), { id: "c1", assignee_id: null }, ctx)).toBe(true);
    expect(shouldNotify(inbound("c1"), { id: "c1" }, ctx)).toBe(true);
  });

  it("stays quiet for a colleague's conversation, outbound messages and other events", () => {
    expect(shouldNotify(inbound("c1"), { id: "c1", assignee_id: "u2" }, ctx)).toBe(false);
    expect(shouldNotify(inbound("c1", { data: { direction: "outbound" } }), { id: "c1", assignee_id: "u1" }, ctx)).toBe(false);
    expect(shouldNotify(inbound("c1", { type: "conversation.updated" }), { id: "c1", assignee_id: "u1" }, ctx)).toBe(false);
    expect(shouldNotify(inbound("c1"), { id: "c2", assignee_id: "u1" }, ctx)).toBe(false);
  });

  it("stays quiet only when the tab is visible and that conversation is open", () => {
    const c = { id: "c9", assignee_id: "u1" };
    expect(shouldNotify(inbound("c9"), c, ctx)).toBe(false);
    expect(shouldNotify(inbound("c9"), c, { ...ctx, visible: false })).toBe(true);
    expect(shouldNotify(inbound("c9"), c, { ...ctx, openId: "c1" })).toBe(true);
  });

  it("rings once per message (events come once per subscribed topic)", () => {
    const seen = makeSeen(2);
    expect(seen("m1")).toBe(false);
    expect(seen("m1")).toBe(true);
    seen("m2");
    seen("m3");
    expect(seen("m1")).toBe(false);
  });
});

describe("tab title", () => {
  it("prefixes the number of conversations with unread messages", () => {
    expect(titlePrefix({ mine: 0, unassigned: 0, more: false })).toBe("");
    expect(titlePrefix({ mine: 2, unassigned: 1, more: false })).toBe("(3) ");
    expect(titlePrefix({ mine: 100, unassigned: 4, more: true })).toBe("(99+) ");
    expect(titlePrefix({ mine: 60, unassigned: 50, more: false })).toBe("(99+) ");
    expect(countUnread([{ unread_count: 0 }, { unread_count: 3 }, { unread_count: 1 }])).toBe(2);
    expect(openConversationId("/inbox/abc")).toBe("abc");
    expect(openConversationId("/inbox")).toBeUndefined();
    expect(openConversationId("/contacts/abc")).toBeUndefined();
  });
});

describe("Attention", () => {
  beforeAll(async () => {
    await i18n.changeLanguage("pt-BR");
    window.scrollTo = () => {};
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("counts unread in the title and shows a notification for an unassigned conversation", async () => {
    const shown: Array<{ title: string; body?: string }> = [];
    vi.stubGlobal(
      "Notification",
      Object.assign(
        function (this: object, title: string, o?: NotificationOptions) {
          shown.push({ title, body: o?.body });
        },
        { permission: "granted", requestPermission: async () => "granted" },
      ),
    );
    useAttention.setState({ notify: true, sound: false, permission: "granted" });
    fakeApi((c) => {
      if (c.path === "/api/v1/conversations" && c.query.get("unread") === "true") {
        return { items: c.query.get("assignee") === "me" ? [conv("a", 1, { unread_count: 2 })] : [conv("b", 1, { unread_count: 1 }), conv("c", 1, { unread_count: 4 })], next_cursor: null };
      }
      if (c.path === "/api/v1/conversations/b") return conv("b", 0, { unread_count: 1, last_message: { id: "m-b", body: "Tem horário amanhã?", created_at: new Date().toISOString(), direction: "inbound", type: "text" } });
      if (c.path === "/api/v1/conversations/x") return conv("x", 0, { assignee_id: "u2" });
      return undefined;
    });
    renderApp("/inbox");
    await waitFor(() => expect(document.title).toBe("(3) Caixa de entrada · Atende"));

    const deliver = (e: RealtimeEvent) => (realtime as unknown as { receive(raw: string): void }).receive(JSON.stringify({ type: "event", topic: "tenant", event: e }));
    deliver(inbound("x"));
    deliver(inbound("b"));
    deliver(inbound("b"));
    await waitFor(() => expect(shown).toEqual([{ title: "Cliente b", body: "Tem horário amanhã?" }]));
  });
});
