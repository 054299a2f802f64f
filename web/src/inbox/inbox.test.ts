import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { useSession } from "../auth/session";
import { keysFor } from "./RealtimeBridge";
import type { Conversation, Message } from "./queries";
import { MESSAGE_PAGE_SIZE, chronological, inboxKeys, listQuery, mergeNewest, orderConversations } from "./queries";
import { applyTyping, expiresSoon, realtime, typersIn, useRealtime, wsUrl } from "./realtime";

const conv = (id: string, last: string, updated = last): Conversation =>
  ({ id, last_message_at: last, updated_at: updated }) as Conversation;
const msg = (id: string): Message => ({ id }) as Message;

describe("orderConversations", () => {
  it("puts the latest activity first, ties by id, each conversation once at its newest", () => {
    const pages = [
      { items: [conv("b", "2026-01-01T10:00:00Z"), conv("a", "2026-01-01T09:00:00Z")] },
      // "a" moved to the top while the second page loaded: shown once, with its newer data.
      { items: [conv("a", "2026-01-01T11:00:00Z"), conv("c", "2026-01-01T09:00:00Z"), conv("d", "2026-01-01T09:00:00Z")] },
    ];
    expect(orderConversations(pages).map((c) => `${c.id}@${c.last_message_at.slice(11, 13)}`)).toEqual(["a@11", "b@10", "d@09", "c@09"]);
  });
});

describe("chronological", () => {
  it("flattens newest-first pages oldest first without duplicates", () => {
    const data = { pages: [{ items: [msg("5"), msg("4"), msg("3")] }, { items: [msg("3"), msg("2"), msg("1")] }], pageParams: [undefined, "3"] };
    expect(chronological(data).map((m) => m.id)).toEqual(["1", "2", "3", "4", "5"]);
    expect(chronological(undefined)).toEqual([]);
  });
});

describe("mergeNewest", () => {
  const m = (id: string, status: string | null = null): Message => ({ id, status }) as Message;
  const data = (...pages: Message[][]) => ({ pages: pages.map((items) => ({ items })), pageParams: pages.map(() => undefined) });

  it("adds new messages to the first page, updates ticks in place and leaves older pages alone", () => {
    const old = data([m("05", "sent"), m("04")], [m("03"), m("02")]);
    const merged = mergeNewest(old, [m("06"), m("05", "read"), m("04")])!;
    expect(merged.pages.map((p) => p.items.map((x) => `${x.id}${x.status ? `:${x.status}` : ""}`))).toEqual([["06", "05:read", "04"], ["03", "02"]]);
    expect(merged.pages[1]).toEqual(old.pages[1]);
  });

  it("asks for a full refetch when more than a page arrived since", () => {
    const fresh = Array.from({ length: MESSAGE_PAGE_SIZE }, (_, i) => m(`9${String(i).padStart(3, "0")}`));
    expect(mergeNewest(data([m("05")]), fresh)).toBeNull();
  });
});

describe("listQuery", () => {
  it("maps the tabs and drops empty filters", () => {
    expect(listQuery({ tab: "mine", status: "" })).toEqual({ status: undefined, assignee: "me", channel_id: undefined, team_id: undefined, tag_id: undefined, unread: undefined, q: undefined });
    expect(listQuery({ tab: "unassigned", status: "resolved", q: "  ana ", unread: true, tagId: "t1" })).toMatchObject({ assignee: "none", status: "resolved", q: "ana", unread: true, tag_id: "t1" });
    expect(listQuery({ tab: "all", status: "", q: "   " })).toMatchObject({ assignee: undefined, q: undefined });
  });
});

describe("realtime events", () => {
  const T = "tenant-1";
  it("invalidate what they touch", () => {
    const e = (type: string) => ({ type, tenant_id: T, conversation_id: "c1" });
    expect(keysFor(T, e("message.created"))).toEqual([inboxKeys.lists(T), inboxKeys.one(T, "c1"), inboxKeys.messages(T, "c1")]);
    expect(keysFor(T, e("message.status_changed"))).toEqual([inboxKeys.messages(T, "c1"), inboxKeys.lists(T)]);
    expect(keysFor(T, e("message.updated"))).toEqual([inboxKeys.messages(T, "c1")]);
    expect(keysFor(T, e("conversation.assigned"))).toEqual([inboxKeys.lists(T), inboxKeys.one(T, "c1")]);
    expect(keysFor(T, e("typing"))).toEqual([]);
    expect(keysFor(T, e("presence"))).toEqual([]);
  });

  it("track who types until they stop or the indicator expires", () => {
    let map = applyTyping({}, { type: "typing", tenant_id: T, conversation_id: "c1", data: { contact: true, on: true } }, 1_000);
    map = applyTyping(map, { type: "typing", tenant_id: T, conversation_id: "c1", user_id: "u1", data: { on: true, author: "agent" } }, 2_000);
    expect(typersIn(map, "c1", 2_500).sort()).toEqual(["contact", "u1"]);
    expect(typersIn(map, "c1", 7_500)).toEqual(["u1"]);
    map = applyTyping(map, { type: "typing", tenant_id: T, conversation_id: "c1", user_id: "u1", data: { on: false } }, 3_000);
    expect(typersIn(map, "c1", 3_000)).toEqual(["contact"]);
    expect(typersIn(map, "other", 0)).toEqual([]);
  });

  it("forget expired typers as new events come", () => {
    const on = (conv: string, user: string, now: number, map = {}) => applyTyping(map, { type: "typing", tenant_id: T, conversation_id: conv, user_id: user, data: { on: true } }, now);
    const map = on("c2", "u2", 60_000, on("c1", "u1", 0));
    expect(Object.keys(map)).toEqual(["c1", "c2"]);
    expect(Object.keys(on("c1", "u3", 60_000, map)["c1"]!)).toEqual(["u3"]);
    const off = applyTyping(map, { type: "typing", tenant_id: T, conversation_id: "c2", user_id: "u2", data: { on: false } }, 61_000);
    expect(off["c2"]).toBeUndefined();
  });

  it("tell an access token about to expire", () => {
    const jwt = (exp: number) => `h.${btoa(JSON.stringify({ exp })).replace(/=+$/, "")}.s`;
    expect(expiresSoon(jwt(100), 95_000)).toBe(true);
    expect(expiresSoon(jwt(100), 80_000)).toBe(false);
    expect(expiresSoon("atk_api_key_without_dots", 0)).toBe(false);
    expect(expiresSoon("a.%%%.b", 0)).toBe(false);
  });

  it("connect to the same origin's /api/v1/ws", () => {
    expect(wsUrl("https://app.example.com")).toBe("wss://app.example.com/api/v1/ws");
    expect(wsUrl("http://127.0.0.1:8080")).toBe("ws://127.0.0.1:8080/api/v1/ws");
  });
});

/** A WebSocket double: records what the client sends, lets the test play the server. */
class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: ((c: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(
    public url: string,
    public protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(s: string) {
    this.sent.push(JSON.parse(s));
  }
  close() {
    this.readyState = 3;
  }
  serverSays(frame: object) {
    this.readyState = 1;
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  serverCloses(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

describe("the realtime client", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    vi.stubGlobal("WebSocket", FakeSocket);
    useSession.getState().signIn({ access_token: "access-1", refresh_token: "refresh-1" });
  });
  afterEach(() => {
    realtime.stop();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("authenticates with the bearer subprotocol, resubscribes after a drop and reports the reconnection", () => {
    const events: string[] = [];
    const offEvent = realtime.onEvent((e, topic) => events.push(`${topic}:${e.type}`));
    realtime.start();
    const off = realtime.subscribe("tenant");
    const first = FakeSocket.all[0]!;
    expect(first.protocols).toEqual(["bearer", "access-1"]);
    expect(first.url).not.toContain("access-1");
    first.serverSays({ type: "authenticated" });
    expect(first.sent).toEqual([{ type: "subscribe", topic: "tenant" }]);
    expect(useRealtime.getState().status).toBe("open");
    first.serverSays({ type: "event", topic: "tenant", event: { type: "message.created", tenant_id: "t" } });
    expect(events).toEqual(["tenant:message.created"]);

    const generation = useRealtime.getState().generation;
    first.serverCloses(1012);
    expect(useRealtime.getState().status).toBe("offline");
    vi.advanceTimersByTime(1_000);
    const second = FakeSocket.all[1]!;
    second.serverSays({ type: "authenticated" });
    expect(second.sent).toEqual([{ type: "subscribe", topic: "tenant" }]);
    expect(useRealtime.getState().generation).toBe(generation + 1);

    off();
    expect(second.sent.at(-1)).toEqual({ type: "unsubscribe", topic: "tenant" });
    offEvent();
  });

  it("keeps trying after a refused token while the refresh cannot reach the server", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("offline"))));
    realtime.start();
    FakeSocket.all[0]!.serverSays({ type: "authenticated" });
    FakeSocket.all[0]!.serverCloses(4401);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(useSession.getState().session).not.toBeNull();
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("stops for good when the tenant is suspended (4403)", () => {
    realtime.start();
    FakeSocket.all[0]!.serverSays({ type: "authenticated" });
    FakeSocket.all[0]!.serverCloses(4403);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(useRealtime.getState().status).toBe("idle");
  });
});
