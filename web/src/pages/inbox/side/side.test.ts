import { describe, expect, it } from "vitest";

import { transferBody } from "./Assignment";
import { attributeEntries, attributeText, isEditable, normalizeKey, parseAttributeValue, removeAttributeBody, setAttributeBody } from "./attributes";
import { fromLocalInput, inOneHour, nextMondayMorning, toLocalInput, tomorrowMorning } from "./snooze";

describe("custom attributes", () => {
  it("keeps numbers and booleans when the text reads as them, else text", () => {
    expect(parseAttributeValue("42")).toBe(42);
    expect(parseAttributeValue(" -1.5 ")).toBe(-1.5);
    expect(parseAttributeValue("true")).toBe(true);
    expect(parseAttributeValue("false")).toBe(false);
    expect(parseAttributeValue("007")).toBe("007");
    expect(parseAttributeValue("1e3")).toBe("1e3");
    expect(parseAttributeValue("12345678901234567890")).toBe("12345678901234567890");
    expect(parseAttributeValue("123.456.789-09")).toBe("123.456.789-09");
    expect(parseAttributeValue("True")).toBe("True");
    expect(parseAttributeValue("")).toBe("");
  });

  it("builds the PATCH bodies the API merges key by key", () => {
    expect(setAttributeBody("plano", "Ouro")).toEqual({ custom_attributes: { plano: "Ouro" } });
    expect(setAttributeBody("pedidos", "3")).toEqual({ custom_attributes: { pedidos: 3 } });
    expect(setAttributeBody("vip", "true")).toEqual({ custom_attributes: { vip: true } });
    expect(removeAttributeBody("plano")).toEqual({ custom_attributes: { plano: null } });
  });

  it("shows values as text and edits only plain ones", () => {
    expect(attributeText(3)).toBe("3");
    expect(attributeText(false)).toBe("false");
    expect(attributeText({ a: 1 })).toBe('{"a":1}');
    expect(isEditable("x")).toBe(true);
    expect(isEditable([1])).toBe(false);
    expect(attributeEntries({ b: 1, a: 2 }).map(([k]) => k)).toEqual(["a", "b"]);
  });

  it("accepts keys of 1 to 64 characters", () => {
    expect(normalizeKey("  cpf ")).toBe("cpf");
    expect(normalizeKey("   ")).toBeNull();
    expect(normalizeKey("x".repeat(65))).toBeNull();
    expect(normalizeKey("a\tb")).toBeNull();
  });
});

describe("snooze", () => {
  // Wednesday 2026-03-18 15:20 local.
  const now = new Date(2026, 2, 18, 15, 20);
  it("offers an hour, tomorrow morning and next Monday morning, in local time", () => {
    expect(inOneHour(now).getTime() - now.getTime()).toBe(3_600_000);
    expect(toLocalInput(tomorrowMorning(now))).toBe("2026-03-19T09:00");
    expect(toLocalInput(nextMondayMorning(now))).toBe("2026-03-23T09:00");
    // On a Monday, "next Monday" is a week ahead.
    expect(toLocalInput(nextMondayMorning(new Date(2026, 2, 23, 8, 0)))).toBe("2026-03-30T09:00");
    expect(toLocalInput(nextMondayMorning(new Date(2026, 2, 22, 20, 0)))).toBe("2026-03-23T09:00");
  });

  it("reads a datetime-local value as a future instant", () => {
    expect(fromLocalInput("2026-03-18T18:00", now)).toBe(new Date(2026, 2, 18, 18, 0).toISOString());
    expect(fromLocalInput("2026-03-18T10:00", now)).toBeNull();
    expect(fromLocalInput("", now)).toBeNull();
  });
});

describe("transfer", () => {
  it("sends only the chosen targets and a trimmed note", () => {
    expect(transferBody({ userId: "u2", teamId: "", departmentId: "", note: "  " })).toEqual({ user_id: "u2" });
    expect(transferBody({ userId: "", teamId: "t1", departmentId: "d1", note: " Cliente quer trocar o plano " })).toEqual({
      team_id: "t1",
      department_id: "d1",
      note: "Cliente quer trocar o plano",
    });
  });
});
