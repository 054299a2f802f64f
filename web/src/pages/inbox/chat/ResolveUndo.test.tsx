// @vitest-environment jsdom
// After a resolve: the toast offers "Desfazer", which calls the undo route and says so.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import { Toaster, useToasts } from "../../../components/ui/Toaster";
import { useResolvedToast } from "../../../inbox/lifecycle";
import { apiError, conversation, fakeApi, json, renderWithClient } from "./testkit";

function Resolver() {
  const resolved = useResolvedToast();
  return (
    <button type="button" onClick={() => resolved("c1")}>
      resolve
    </button>
  );
}

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  useToasts.setState({ toasts: [] });
});

const undoCalls = (calls: { method: string; path: string }[]) => calls.filter((c) => c.method === "POST" && c.path === "/api/v1/conversations/c1/resolve/undo");

describe("resolve toast", () => {
  it("undoes the resolve from the toast", async () => {
    const calls = fakeApi((c) => (c.method === "POST" && c.path === "/api/v1/conversations/c1/resolve/undo" ? json(200, conversation()) : undefined));
    renderWithClient(
      <>
        <Resolver />
        <Toaster />
      </>,
    );
    fireEvent.click(screen.getByRole("button", { name: "resolve" }));
    expect(await screen.findByText("Conversa resolvida")).toBeTruthy();
    expect(undoCalls(calls)).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Desfazer" }));
    await waitFor(() => expect(screen.getByText("Conversa reaberta")).toBeTruthy());
    expect(screen.queryByText("Conversa resolvida")).toBeNull();
    expect(undoCalls(calls)).toHaveLength(1);
  });

  it("reports an undo the API refuses", async () => {
    fakeApi((c) => (c.method === "POST" && c.path === "/api/v1/conversations/c1/resolve/undo" ? apiError(409, "conversation_not_resolved", "not resolved") : undefined));
    renderWithClient(
      <>
        <Resolver />
        <Toaster />
      </>,
    );
    fireEvent.click(screen.getByRole("button", { name: "resolve" }));
    fireEvent.click(await screen.findByRole("button", { name: "Desfazer" }));
    await waitFor(() => expect(useToasts.getState().toasts.map((t) => t.kind)).toEqual(["error"]));
  });
});
