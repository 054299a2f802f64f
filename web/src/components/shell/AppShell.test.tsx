// @vitest-environment jsdom
// The phone shell: no bottom tabs inside a chat, and signing out behind the account menu and a
// confirmation (never one tap on the top bar).
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../i18n";
import { conv, fakeApi, renderApp } from "../../pages/inbox/list/testkit";

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
  window.scrollTo = () => {};
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The phone's bottom tabs (the second "main" navigation; the first is the desktop sidebar's). */
const bottomTabs = () => screen.getAllByRole("navigation", { name: "Navegação principal", hidden: true }).at(-1)!;

describe("phone shell", () => {
  it("hides the bottom tabs inside an open chat, shows them on the list", async () => {
    fakeApi((c) => (c.path === "/api/v1/conversations/c1" ? conv("c1", 1) : undefined));
    const { router } = renderApp("/inbox/c1");
    await waitFor(() => expect(bottomTabs().className.split(" ")).toContain("hidden"), { timeout: 5000 });
    await router.navigate({ to: "/inbox" });
    await waitFor(() => expect(bottomTabs().className.split(" ")).not.toContain("hidden"));
  }, 10_000);

  it("signs out only after the account menu and a confirmation", async () => {
    const calls = fakeApi(() => undefined);
    renderApp("/inbox");
    const trigger = await screen.findByTestId("account-menu", {}, { timeout: 5000 });
    fireEvent.keyDown(trigger, { key: "Enter" });
    fireEvent.click(await screen.findByTestId("account-sign-out"));
    const dialog = await screen.findByRole("alertdialog");
    expect(dialog.textContent).toContain("Sair do Atende?");
    expect(calls.some((c) => c.path === "/api/v1/auth/logout")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Sair" }));
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/auth/logout")).toBe(true));
  });
});
