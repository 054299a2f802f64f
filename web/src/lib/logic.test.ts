import { describe, expect, it } from "vitest";

import { pickLanguage } from "../i18n";
import { slugify } from "../pages/admin/TenantsPage";
import { safeRedirect } from "../pages/auth/LoginPage";
import { dayToInstant } from "../pages/settings/AuditPage";
import { assignableRoles, can } from "./permissions";

describe("safeRedirect", () => {
  it("keeps paths of this app and refuses other origins", () => {
    expect(safeRedirect("/settings/users?x=1")).toBe("/settings/users?x=1");
    expect(safeRedirect(undefined)).toBe("/inbox");
    expect(safeRedirect("https://evil.example/")).toBe("/inbox");
    expect(safeRedirect("//evil.example/")).toBe("/inbox");
    expect(safeRedirect("/login?redirect=/x")).toBe("/inbox");
  });
});

describe("permissions", () => {
  it("mirrors the API's role table", () => {
    expect(can("admin", "members.invite")).toBe(true);
    expect(can("supervisor", "members.invite")).toBe(false);
    expect(can("supervisor", "teams.manage")).toBe(true);
    expect(can("agent", "teams.manage")).toBe(false);
    expect(can("viewer", "departments.manage")).toBe(false);
    expect(can(null, "audit.read")).toBe(false);
  });

  it("never offers a role above the caller's", () => {
    expect(assignableRoles("supervisor")).toEqual(["viewer", "agent", "supervisor"]);
    expect(assignableRoles("admin")).toEqual(["viewer", "agent", "supervisor", "admin"]);
    expect(assignableRoles(null)).toEqual([]);
  });
});

describe("helpers", () => {
  it("suggests slugs the API accepts", () => {
    expect(slugify("Loja São João")).toBe("loja-sao-joao");
    expect(slugify("  --Açaí & Cia.-- ")).toBe("acai-cia");
    expect(slugify("x".repeat(80))).toHaveLength(63);
  });

  it("maps browser languages to ours", () => {
    expect(pickLanguage("pt-PT")).toBe("pt-BR");
    expect(pickLanguage("en-US")).toBe("en");
    expect(pickLanguage("es-419")).toBe("es");
    expect(pickLanguage("de")).toBeNull();
  });

  it("turns audit date filters into instants at local midnight", () => {
    const from = dayToInstant("2026-11-22");
    const to = dayToInstant("2026-11-22", true);
    expect(from).toBe(new Date(2026, 10, 22).toISOString());
    expect(to).toBe(new Date(2026, 10, 23).toISOString());
    expect(dayToInstant("")).toBeUndefined();
  });
});

describe("cn", () => {
  it("lets a later utility override one of the same group", async () => {
    const { cn } = await import("./cn");
    expect(cn("h-10 px-4 text-sm text-slate-900", "h-9 text-lg")).toBe("px-4 text-slate-900 h-9 text-lg");
    expect(cn("bg-white hover:bg-slate-50", "hover:bg-red-50")).toBe("bg-white hover:bg-red-50");
    expect(cn("text-center", false, "text-red-700")).toBe("text-center text-red-700");
    expect(cn("p-2", null, undefined)).toBe("p-2");
  });
});

describe("Segmented", () => {
  it("moves the choice with the arrow keys", async () => {
    const { render, screen, fireEvent, cleanup } = await import("@testing-library/react");
    const { createElement } = await import("react");
    const { Segmented } = await import("../components/ui/Segmented");
    const seen: string[] = [];
    const options = [
      { value: "a", label: "A" },
      { value: "b", label: "B" },
      { value: "c", label: "C" },
    ];
    render(createElement(Segmented<string>, { value: "a", onChange: (v: string) => seen.push(v), options, label: "Filter" }));
    const a = screen.getByRole("radio", { name: "A" });
    expect(a.getAttribute("tabindex")).toBe("0");
    expect(screen.getByRole("radio", { name: "B" }).getAttribute("tabindex")).toBe("-1");
    fireEvent.keyDown(a, { key: "ArrowRight" });
    fireEvent.keyDown(a, { key: "ArrowLeft" });
    fireEvent.keyDown(a, { key: "End" });
    expect(seen).toEqual(["b", "c", "c"]);
    cleanup();
  });
});

describe("messaging settings helpers", () => {
  it("normalises quick-reply shortcuts as the API does", async () => {
    const { normalizeShortcut } = await import("../pages/settings/QuickRepliesPage");
    expect(normalizeShortcut("Saudação")).toBe("/saudação");
    expect(normalizeShortcut(" /Horario de Funcionamento ")).toBe("/horario-de-funcionamento");
    expect(normalizeShortcut("   ")).toBe("");
  });

  it("reads web-chat origins one per line or comma-separated", async () => {
    const { parseOrigins } = await import("../pages/settings/ChannelsPage");
    expect(parseOrigins("https://a.com/\nhttps://b.com, http://localhost:3000")).toEqual(["https://a.com", "https://b.com", "http://localhost:3000"]);
    expect(parseOrigins("  ")).toEqual([]);
  });

  it("generates URL-safe verify tokens", async () => {
    const { randomVerifyToken } = await import("../pages/settings/ChannelsPage");
    const a = randomVerifyToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(randomVerifyToken()).not.toBe(a);
  });
});
