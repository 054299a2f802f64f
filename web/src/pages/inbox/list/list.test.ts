// @vitest-environment jsdom
import { describe, expect, it } from "vitest";

import { DEFAULT_FILTERS, listQuery, orderConversations } from "../../../inbox/queries";
import { activeFilterCount, toInboxFilters, useInboxFilters } from "./filters";
import { initials, listTime, previewText } from "./format";
import { channelFamily } from "../../../inbox/lookups";
import { isTypingTarget, neighbour, shortcutFor } from "./shortcuts";
import { conv } from "./testkit";

describe("list order", () => {
  it("puts the latest activity first and shows a conversation once, where it is newest", () => {
    const a = conv("a", 30);
    const b = conv("b", 10);
    const aMoved = { ...conv("a", 1), updated_at: new Date().toISOString() };
    const order = orderConversations([{ items: [b, a] }, { items: [conv("c", 60), aMoved] }]);
    expect(order.map((c) => c.id)).toEqual(["a", "b", "c"]);
    expect(order[0]!.last_message_at).toBe(aMoved.last_message_at);
  });
});

describe("relative time", () => {
  // Wednesday 2026-03-18 15:00 local time.
  const now = new Date(2026, 2, 18, 15, 0).getTime();
  const ago = (ms: number) => new Date(now - ms).toISOString();
  it("reads like WhatsApp: now, minutes, clock, yesterday, weekday, date", () => {
    expect(listTime(ago(20_000), now, "pt-BR")).toBe("agora");
    expect(listTime(ago(5 * 60_000), now, "pt-BR")).toMatch(/5 min/);
    expect(listTime(new Date(2026, 2, 18, 9, 7).toISOString(), now, "pt-BR")).toBe("09:07");
    expect(listTime(new Date(2026, 2, 17, 22, 0).toISOString(), now, "pt-BR")).toBe("ontem");
    expect(listTime(new Date(2026, 2, 17, 22, 0).toISOString(), now, "en")).toBe("yesterday");
    expect(listTime(new Date(2026, 2, 14, 10, 0).toISOString(), now, "pt-BR")).toMatch(/^sáb/);
    expect(listTime(new Date(2026, 1, 2, 10, 0).toISOString(), now, "pt-BR")).toBe("02/02");
    expect(listTime(new Date(2025, 11, 24, 10, 0).toISOString(), now, "pt-BR")).toBe("24/12/25");
    expect(listTime("not a date", now, "pt-BR")).toBe("");
  });
});

describe("filters → query", () => {
  it("maps the store to InboxFilters and the API query", () => {
    const f = toInboxFilters({ tab: "unassigned", status: "resolved", channelId: "ch1", teamId: "", tagId: "tg1", unread: true }, "  maria ");
    expect(f).toEqual({ tab: "unassigned", status: "resolved", channelId: "ch1", tagId: "tg1", unread: true, q: "maria" });
    expect(listQuery(f)).toEqual({ status: "resolved", assignee: "none", channel_id: "ch1", team_id: undefined, tag_id: "tg1", unread: true, q: "maria" });
    expect(listQuery(toInboxFilters({ tab: "all", status: "" }, ""))).toEqual({
      status: undefined, assignee: undefined, channel_id: undefined, team_id: undefined, tag_id: undefined, unread: undefined, q: undefined,
    });
    expect(toInboxFilters(DEFAULT_FILTERS, " ")).toEqual({ tab: "mine", status: "" });
  });

  it("counts the popover's active filters (not the tab, not the search)", () => {
    expect(activeFilterCount({ status: "" })).toBe(0);
    expect(activeFilterCount({ status: "all", channelId: "c", unread: true })).toBe(3);
    expect(activeFilterCount({ status: "", teamId: "t", tagId: "g" })).toBe(2);
  });
});

describe("row text", () => {
  const t = (k: string) => ({ "conv.list.you": "Você", "conv.media.image": "Foto", "conv.media.audio": "Áudio" })[k] ?? k;
  const msg = (over: Partial<{ body: string | null; direction: string; type: string }>) => ({ id: "m", created_at: "2026-01-01T00:00:00Z", body: null, direction: "inbound", type: "text", ...over });
  it("prefixes outbound previews and names media without text", () => {
    expect(previewText(t, msg({ body: "Olá!" }))).toBe("Olá!");
    expect(previewText(t, msg({ body: "Segue", direction: "outbound" }))).toBe("Você: Segue");
    expect(previewText(t, msg({ type: "image" }))).toBe("Foto");
    expect(previewText(t, msg({ type: "audio", direction: "outbound" }))).toBe("Você: Áudio");
    expect(previewText(t, msg({ type: "image", body: "Nota fiscal" }))).toBe("Nota fiscal");
    expect(previewText(t, null)).toBe("");
  });

  it("makes initials and channel families", () => {
    expect(initials("Maria da Silva Souza")).toBe("MS");
    expect(initials("ana")).toBe("A");
    expect(initials("+55 11 98765-4321")).toBe("#");
    expect(channelFamily("whatsapp_cloud")).toBe("whatsapp");
    expect(channelFamily("webchat")).toBe("webchat");
    expect(channelFamily("fax")).toBe("other");
  });
});

describe("keyboard", () => {
  it("moves to the next and previous conversation in the list's order", () => {
    const ids = ["a", "b", "c"];
    expect(neighbour(ids, "a", 1)).toBe("b");
    expect(neighbour(ids, "b", -1)).toBe("a");
    expect(neighbour(ids, "c", 1)).toBeNull();
    expect(neighbour(ids, "a", -1)).toBeNull();
    expect(neighbour(ids, undefined, 1)).toBe("a");
    expect(neighbour(ids, "gone", -1)).toBe("a");
    expect(neighbour([], "a", 1)).toBeNull();
  });

  it("maps keys to actions, never while typing", () => {
    const key = (k: string, mods: Partial<Record<"altKey" | "ctrlKey" | "metaKey" | "shiftKey", boolean>> = {}) => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods });
    expect(shortcutFor(key("ArrowDown", { altKey: true }), false)).toEqual({ kind: "move", step: 1 });
    expect(shortcutFor(key("ArrowUp", { altKey: true }), false)).toEqual({ kind: "move", step: -1 });
    expect(shortcutFor(key("ArrowDown"), false)).toBeNull();
    expect(shortcutFor(key("j"), false)).toEqual({ kind: "move", step: 1 });
    expect(shortcutFor(key("k"), false)).toEqual({ kind: "move", step: -1 });
    expect(shortcutFor(key("/"), false)).toEqual({ kind: "search" });
    expect(shortcutFor(key("?", { shiftKey: true }), false)).toEqual({ kind: "help" });
    expect(shortcutFor(key("j", { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(key("/"), true)).toBeNull();
    expect(shortcutFor(key("ArrowDown", { altKey: true }), true)).toBeNull();
  });

  it("knows which elements take typing", () => {
    const input = document.createElement("input");
    const checkbox = Object.assign(document.createElement("input"), { type: "checkbox" });
    const editable = document.createElement("div");
    editable.setAttribute("contenteditable", "true");
    document.body.append(editable);
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(document.createElement("textarea"))).toBe(true);
    expect(isTypingTarget(checkbox)).toBe(false);
    expect(isTypingTarget(document.createElement("a"))).toBe(false);
    expect(isTypingTarget(editable)).toBe(true);
    expect(isTypingTarget(null)).toBe(false);
    editable.remove();
  });
});

describe("filters per tenant", () => {
  it("keeps a tenant's filters and drops another tenant's", () => {
    const s = useInboxFilters.getState;
    s().forTenant("t1");
    s().setPanel({ teamId: "tm1" });
    s().setSearch("ana");
    s().forTenant("t1");
    expect([s().teamId, s().search]).toEqual(["tm1", "ana"]);
    s().forTenant("t2");
    expect([s().teamId, s().search, s().tenant]).toEqual([undefined, "", "t2"]);
  });
});
