// @vitest-environment jsdom
// "Atender": what it offers, the request it sends, and how a lost race reads.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import { useToasts } from "../../../components/ui/Toaster";
import { assignOnReplyOf, canTake } from "../../../inbox/lifecycle";
import { TakeButton } from "./TakeButton";
import { apiError, conversation, fakeApi, json, renderWithClient } from "./testkit";

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  useToasts.setState({ toasts: [] });
});

describe("canTake", () => {
  it("offers Atender on an unassigned, working conversation to those who work conversations", () => {
    expect(canTake(conversation(), "agent")).toBe(true);
    expect(canTake(conversation(), "supervisor")).toBe(true);
    expect(canTake(conversation({ assignee_id: "u2" }), "agent")).toBe(false);
    expect(canTake(conversation(), "viewer")).toBe(false);
    expect(canTake(conversation(), null)).toBe(false);
    expect(canTake(conversation({ status: "resolved" }), "agent")).toBe(false);
    expect(canTake(conversation({ status: "pending" }), "agent")).toBe(true);
  });

  it("reads assign_on_reply as on unless it is false", () => {
    expect(assignOnReplyOf({})).toBe(true);
    expect(assignOnReplyOf({ assign_on_reply: true })).toBe(true);
    expect(assignOnReplyOf({ assign_on_reply: false })).toBe(false);
  });
});

describe("TakeButton", () => {
  it("posts take and says so", async () => {
    const calls = fakeApi((c) => (c.method === "POST" && c.path === "/api/v1/conversations/c1/take" ? json(200, conversation({ assignee_id: "u1" })) : undefined));
    renderWithClient(<TakeButton conversationId="c1" />);
    fireEvent.click(screen.getByRole("button", { name: "Atender" }));
    await waitFor(() => expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(["Conversa assumida"]));
    expect(calls.filter((c) => c.method === "POST" && c.path === "/api/v1/conversations/c1/take")).toHaveLength(1);
  });

  it("tells the agent when someone else was faster", async () => {
    fakeApi((c) => (c.method === "POST" && c.path === "/api/v1/conversations/c1/take" ? apiError(409, "conversation_taken") : undefined));
    renderWithClient(<TakeButton conversationId="c1" />);
    fireEvent.click(screen.getByRole("button", { name: "Atender" }));
    await waitFor(() =>
      expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(["Outra pessoa já está atendendo esta conversa."]),
    );
  });

  it("keeps its name for screen readers when only the icon shows in a narrow header", () => {
    fakeApi(() => undefined);
    renderWithClient(<TakeButton conversationId="c1" iconOnlyWhenNarrow />);
    const button = screen.getByRole("button", { name: "Atender" });
    expect(button.getAttribute("data-testid")).toBe("take-conversation");
    expect(button.querySelector("span.sr-only")?.textContent).toBe("Atender");
  });
});
