// @vitest-environment jsdom
// The conversation list against a fake API: order, live re-order without re-mounting rows,
// the query its filters send, and the keyboard.
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import { useInboxFilters } from "./filters";
import { conv, fakeApi, renderApp, rowIds } from "./testkit";
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

/** The list's own requests (not the unread counters or the side panel's). */
const listCalls = (calls: Call[]) => calls.filter((c) => c.path === "/api/v1/conversations" && c.query.get("limit") === "30");

describe("conversation list", () => {
  it("shows the latest activity first and re-orders in place when the data changes", async () => {
    let items = [conv("a", 30), conv("b", 5, { unread_count: 2 }), conv("c", 60)];
    fakeApi((c) => (c.path === "/api/v1/conversations" && c.query.get("limit") === "30" ? { items, next_cursor: null } : undefined));
    const { qc } = renderApp("/inbox");
    await waitFor(() => expect(rowIds()).toEqual(["b", "a", "c"]));
    const rowC = document.querySelector("[data-conversation-id='c']");
    expect(document.querySelector("[data-conversation-id='b']")?.getAttribute("data-unread")).toBe("2");

    // A new message in "c" (what a realtime event's refetch brings).
    items = [conv("a", 30), conv("b", 5), conv("c", 0, { unread_count: 1, last_message: { id: "m9", body: "Chegou?", created_at: new Date().toISOString(), direction: "inbound", type: "text" } })];
    await act(() => qc.invalidateQueries({ queryKey: ["conversations"] }));
    await waitFor(() => expect(rowIds()).toEqual(["c", "b", "a"]));
    // The same element moved: not re-mounted.
    expect(document.querySelector("[data-conversation-id='c']")).toBe(rowC);
    expect(rowC?.textContent).toContain("Chegou?");
  });

  it("sends the tab, search and filters as the API query", async () => {
    const calls = fakeApi(() => undefined);
    renderApp("/inbox");
    await screen.findByText("Nenhuma conversa por aqui");
    expect(listCalls(calls).at(-1)?.query.get("assignee")).toBe("me");

    fireEvent.mouseDown(screen.getByTestId("tab-unassigned"));
    await waitFor(() => expect(listCalls(calls).at(-1)?.query.get("assignee")).toBe("none"));

    act(() => useInboxFilters.getState().setPanel({ status: "resolved", unread: true }));
    fireEvent.change(screen.getByTestId("inbox-search"), { target: { value: "maria" } });
    await waitFor(() => expect(listCalls(calls).at(-1)?.query.get("q")).toBe("maria"), { timeout: 2000 });
    const last = listCalls(calls).at(-1)!.query;
    expect(last.get("status")).toBe("resolved");
    expect(last.get("unread")).toBe("true");
    expect(last.get("assignee")).toBe("none");
    // With filters on, the empty list offers to clear them.
    fireEvent.click(await screen.findByRole("button", { name: "Limpar filtros" }));
    await waitFor(() => expect(listCalls(calls).at(-1)?.query.get("status")).toBeNull());
    expect((screen.getByTestId("inbox-search") as HTMLInputElement).value).toBe("");
  });

  it("opens the next and previous conversation from the keyboard, not while typing", async () => {
    const items = [conv("a", 1), conv("b", 2), conv("c", 3)];
    fakeApi((c) => (c.path === "/api/v1/conversations" && c.query.get("limit") === "30" ? { items, next_cursor: null } : undefined));
    const { router } = renderApp("/inbox");
    await waitFor(() => expect(rowIds()).toEqual(["a", "b", "c"]));

    fireEvent.keyDown(document.body, { key: "j" });
    await waitFor(() => expect(router.state.location.pathname).toBe("/inbox/a"));
    fireEvent.keyDown(document.body, { key: "ArrowDown", altKey: true });
    await waitFor(() => expect(router.state.location.pathname).toBe("/inbox/b"));
    fireEvent.keyDown(document.body, { key: "k" });
    await waitFor(() => expect(router.state.location.pathname).toBe("/inbox/a"));
    expect(document.querySelector("[data-conversation-id='a']")?.getAttribute("aria-current")).toBe("page");

    // Typing "j" in a field is text; "/" outside one focuses the search.
    const search = screen.getByTestId("inbox-search");
    fireEvent.keyDown(search, { key: "j" });
    fireEvent.keyDown(document.body, { key: "/" });
    expect(document.activeElement).toBe(search);
    await new Promise((r) => setTimeout(r, 50));
    expect(router.state.location.pathname).toBe("/inbox/a");
  });
});
