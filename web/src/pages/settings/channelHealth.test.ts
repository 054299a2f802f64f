import { describe, expect, it } from "vitest";

import { ago, degradedLabel, errorText, isDegraded } from "./channelHealth";

const t = (key: string, opts?: Record<string, unknown>) => (opts ? `${key}${JSON.stringify(opts)}` : key);
const now = Date.parse("2026-12-08T12:00:00Z");

describe("channel health", () => {
  it("is degraded only with a provider error", () => {
    expect(isDegraded({ health: "ok", provider_error: null })).toBe(false);
    expect(isDegraded(undefined)).toBe(false);
    expect(isDegraded({ health: "degraded", provider_error: { code: "130429", title: "Rate limit hit", at: "2026-12-08T11:57:00Z" } })).toBe(true);
  });

  it("says how long ago, in the agent's language", () => {
    expect(ago("2026-12-08T11:57:00Z", now, "pt-BR")).toBe("há 3 minutos");
    expect(ago("2026-12-08T11:57:00Z", now, "en")).toBe("3 minutes ago");
    expect(ago("2026-12-08T09:00:00Z", now, "es")).toBe("hace 3 horas");
    expect(ago("2026-12-08T11:59:40Z", now, "pt-BR")).toBe("agora");
    expect(ago("not a date", now, "pt-BR")).toBe("");
  });

  it("translates known codes and keeps the provider's text for the others", () => {
    expect(errorText(t, { code: "130429", title: "Rate limit hit", at: "" })).toBe("channels.health.codes.130429");
    expect(errorText(t, { code: "131000", title: "Something went wrong", at: "" })).toBe("Something went wrong (131000)");
    expect(errorText(t, { code: "http_502", title: " ", at: "" })).toBe("http_502");
  });

  it("labels a degraded channel and nothing else", () => {
    expect(degradedLabel(t, { health: "ok", provider_error: null }, now, "pt-BR")).toBeNull();
    expect(degradedLabel(t, { health: "degraded", provider_error: { code: "131000", title: "Boom", at: "2026-12-08T11:57:00Z" } }, now, "pt-BR")).toBe(
      'channels.health.degradedSince{"error":"Boom (131000)","ago":"há 3 minutos"}',
    );
  });
});
