// @vitest-environment jsdom
// Tab badges count conversations (from GET /conversations/counts), the empty *Mine* points to the
// queue, the Resolved tab and the agent filter reach the API.
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import { countsQuery, emptyKind, tabBadge } from "./counts";
import { activeFilterCount, toInboxFilters, useInboxFilters } from "./filters";
import { conv, fakeApi, renderApp } from "./testkit";
import type { Call } from "./testkit";

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
  window.scrollTo = () => {};
});

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
  useInboxFilters.getState().clearAll();
  useInboxFilters.getState().setTab("mine");
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const COUNTS = "/api/v1/conversations/counts";
const listCalls = (calls: Call[]) => calls.filter((c) => c.path === "/api/v1/conversations" && c.query.get("limit") === "30");

describe("emptyKind", () => {
  const c = (mine: number, unassigned: number, all: number) => ({ mine, unassigned, all });
  it("points an empty Mine to the queue when conversations wait there", () => {
    expect(emptyKind("mine", false, c(0, 5, 9))).toBe("queue");
  });
  it("invites the team only when nothing waits anywhere", () => {
    expect(emptyKind("mine", false, c(0, 0, 0))).toBe("nothing");
    expect(emptyKind("all", false, c(0, 0, 0))).toBe("nothing");
    expect(emptyKind("mine", false, c(0, 0, 4))).toBe("mineClear");
    expect(emptyKind("unassigned", false, c(2, 0, 4))).toBe("queueClear");
  });
  it("lets filters and the resolved view speak first", () => {
    expect(emptyKind("mine", true, c(0, 5, 9))).toBe("filtered");
    expect(emptyKind("resolved", false, c(0, 5, 9))).toBe("noResolved");
    expect(emptyKind("mine", false, undefined)).toBe("nothing");
  });
});

describe("tab badges", () => {
  it("are the conversation counts, none on Resolved", () => {
    const counts = { mine: 2, unassigned: 5, all: 11 };
    expect(tabBadge("mine", counts)).toBe(2);
    expect(tabBadge("unassigned", counts)).toBe(5);
    expect(tabBadge("all", counts)).toBe(11);
    expect(tabBadge("resolved", counts)).toBe(0);
    expect(tabBadge("all", undefined)).toBe(0);
  });
  it("ask the list's filters without the tab; an agent filter narrows All only", () => {
    const f = toInboxFilters({ tab: "mine", status: "", tagId: "g1", assigneeId: "u9" }, "");
    expect(countsQuery(f)).toEqual({ base: { status: undefined, channel_id: undefined, team_id: undefined, tag_id: "g1", unread: undefined, q: undefined }, all: undefined });
    const all = countsQuery(toInboxFilters({ tab: "all", status: "", assigneeId: "u9" }, ""));
    expect(all.all?.assignee).toBe("u9");
    expect(all.base).not.toHaveProperty("assignee");
  });
});

describe("filters per tab", () => {
  it("drop the agent on Mine and the queue and the status on Resolved", () => {
    expect(toInboxFilters({ tab: "unassigned", status: "", assigneeId: "u9" }, "").assigneeId).toBeUndefined();
    expect(toInboxFilters({ tab: "all", status: "", assigneeId: "u9" }, "").assigneeId).toBe("u9");
    expect(toInboxFilters({ tab: "resolved", status: "open" }, "").status).toBe("");
    expect(activeFilterCount({ tab: "mine", status: "", assigneeId: "u9" })).toBe(0);
    expect(activeFilterCount({ tab: "resolved", status: "open", assigneeId: "u9" })).toBe(1);
  });
});

describe("conversation list with counts", () => {
  it("badges count what each tab lists, not unread messages", async () => {
    fakeApi((c) => {
      if (c.path === COUNTS) return { mine: 1, unassigned: 5, all: 7 };
      if (c.path === "/api/v1/conversations" && c.query.get("limit") === "30") return { items: [conv("a", 1, { unread_count: 3 })], next_cursor: null };
      return undefined;
    });
    renderApp("/inbox");
    await waitFor(() => expect(screen.getByTestId("tab-count-unassigned").textContent).toContain("5"), { timeout: 5000 });
    expect(screen.getByTestId("tab-count-mine").textContent).toContain("1");
    expect(screen.getByTestId("tab-count-all").textContent).toContain("7");
    expect(screen.queryByTestId("tab-count-resolved")).toBeNull();
  });

  it("an empty Mine says how many wait in the queue and opens it", async () => {
    const calls = fakeApi((c) => (c.path === COUNTS ? { mine: 0, unassigned: 5, all: 5 } : undefined), "admin");
    renderApp("/inbox");
    expect(await screen.findByText("5 conversas esperando na fila.", {}, { timeout: 5000 })).toBeTruthy();
    expect(screen.queryByText(/convide sua equipe/i)).toBeNull();
    fireEvent.click(screen.getByTestId("empty-see-queue"));
    await waitFor(() => expect(listCalls(calls).at(-1)?.query.get("assignee")).toBe("none"));
  });

  it("invites the team when nothing waits anywhere", async () => {
    fakeApi((c) => (c.path === COUNTS ? { mine: 0, unassigned: 0, all: 0 } : undefined), "admin");
    renderApp("/inbox");
    expect(await screen.findByTestId("empty-nothing", {}, { timeout: 5000 })).toBeTruthy();
    expect(await screen.findByRole("link", { name: /equipe/i }, { timeout: 5000 })).toBeTruthy();
  });

  it("the Resolved tab asks for resolved conversations of anyone", async () => {
    const calls = fakeApi((c) => (c.path === COUNTS ? { mine: 0, unassigned: 0, all: 3 } : undefined));
    renderApp("/inbox");
    await screen.findByTestId("tab-resolved", {}, { timeout: 5000 });
    fireEvent.mouseDown(screen.getByTestId("tab-resolved"));
    await waitFor(() => expect(listCalls(calls).at(-1)?.query.get("status")).toBe("resolved"));
    expect(listCalls(calls).at(-1)?.query.get("assignee")).toBeNull();
    expect(await screen.findByTestId("empty-noResolved")).toBeTruthy();
    act(() => useInboxFilters.getState().setPanel({ assigneeId: "u7" }));
    await waitFor(() => expect(listCalls(calls).at(-1)?.query.get("assignee")).toBe("u7"));
  });
});
