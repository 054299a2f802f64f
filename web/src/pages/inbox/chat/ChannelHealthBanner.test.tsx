// @vitest-environment jsdom
// The degraded channel's banner over the chat, and the composer's template sync button.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import { ChannelHealthBanner } from "./ChannelHealthBanner";
import { TemplatePicker } from "./TemplatePicker";
import { conversation, fakeApi, json, renderWithClient } from "./testkit";
import type { Call } from "./testkit";

const channel = (p: Record<string, unknown> = {}) => ({ id: "ch1", kind: "whatsapp_cloud", name: "Loja", status: "connected", health: "ok", provider_error: null, settings: {}, created_at: "", updated_at: "", ...p });

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("ChannelHealthBanner", () => {
  it("shows the provider's error and how long ago on a degraded channel", async () => {
    const at = new Date(Date.now() - 3 * 60_000 - 5_000).toISOString();
    fakeApi((c: Call) => {
      if (c.method === "GET" && c.path === "/api/v1/channels") return json(200, { items: [channel({ health: "degraded", provider_error: { code: "130429", title: "Rate limit hit", at } })], next_cursor: null });
      if (c.method === "GET" && c.path === "/api/v1/conversations/c1/messages") return json(200, { items: [], next_cursor: null });
      return undefined;
    });
    renderWithClient(<ChannelHealthBanner conversationId="c1" channelId="ch1" />);
    const banner = await screen.findByTestId("channel-health-banner");
    expect(banner.textContent).toContain("O canal Loja está instável");
    expect(banner.textContent).toContain("limite de envios por segundo do número atingido");
    expect(banner.textContent).toContain("há 3 minutos");
  });

  it("says nothing for a healthy channel", async () => {
    const calls = fakeApi((c: Call) => {
      if (c.method === "GET" && c.path === "/api/v1/channels") return json(200, { items: [channel()], next_cursor: null });
      if (c.method === "GET" && c.path === "/api/v1/conversations/c1/messages") return json(200, { items: [], next_cursor: null });
      return undefined;
    });
    renderWithClient(<ChannelHealthBanner conversationId="c1" channelId="ch1" />);
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/channels")).toBe(true));
    expect(screen.queryByTestId("channel-health-banner")).toBeNull();
  });
});

describe("template sync in the composer", () => {
  it("syncs the channel from the empty picker and lists what came", async () => {
    let synced = false;
    const calls = fakeApi((c: Call) => {
      if (c.method === "GET" && c.path === "/api/v1/whatsapp/templates")
        return json(200, {
          items: synced ? [{ id: "t1", channel_id: "ch1", name: "pedido_enviado", language: "pt_BR", status: "APPROVED", updated_at: "", components: [{ type: "BODY", text: "Enviado" }] }] : [],
          next_cursor: null,
        });
      if (c.method === "POST" && c.path === "/api/v1/whatsapp/templates/sync") {
        synced = true;
        return json(200, [{ channel_id: "ch1", synced: 1, error: null }]);
      }
      return undefined;
    });
    renderWithClient(<TemplatePicker open onOpenChange={() => {}} conversation={conversation()} />);
    fireEvent.click(await screen.findByTestId("template-sync"));
    await waitFor(() => expect(screen.getAllByTestId("template-option")).toHaveLength(1));
    expect(calls.find((c) => c.path === "/api/v1/whatsapp/templates/sync")?.body).toEqual({ channel_id: "ch1" });
  });

  it("is not offered to viewers", async () => {
    fakeApi((c: Call) => {
      if (c.method === "GET" && c.path === "/api/v1/whatsapp/templates") return json(200, { items: [], next_cursor: null });
      return undefined;
    }, "viewer");
    renderWithClient(<TemplatePicker open onOpenChange={() => {}} conversation={conversation()} />);
    await screen.findByText("Nenhum modelo aprovado");
    expect(screen.queryByTestId("template-sync")).toBeNull();
  });
});
