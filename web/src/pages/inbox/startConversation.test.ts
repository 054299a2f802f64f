import { describe, expect, it } from "vitest";

import { displayPhone, normalizePhone, startBody } from "./startConversation";

describe("normalizePhone", () => {
  it("reads Brazilian numbers however they are typed", () => {
    expect(normalizePhone("(11) 98765-4321")).toBe("+5511987654321");
    expect(normalizePhone("011 98765-4321")).toBe("+5511987654321");
    expect(normalizePhone("+55 (31) 99123-4567")).toBe("+5531991234567");
    expect(normalizePhone("5511987654321")).toBe("+5511987654321");
    expect(normalizePhone("11 3456-7890")).toBe("+551134567890");
  });

  it("restores the ninth digit of old mobiles, never of landlines", () => {
    expect(normalizePhone("(11) 8765-4321")).toBe("+5511987654321");
    expect(normalizePhone("551187654321")).toBe("+5511987654321");
    expect(normalizePhone("(11) 2345-6789")).toBe("+551123456789");
  });

  it("keeps other countries with their code and refuses what is not a number", () => {
    expect(normalizePhone("+1 415 555 0100")).toBe("+14155550100");
    expect(normalizePhone("ramal 12")).toBeNull();
    expect(normalizePhone("123")).toBeNull();
    expect(normalizePhone("")).toBeNull();
  });

  it("displays a Brazilian number the way people read it", () => {
    expect(displayPhone("+5511987654321")).toBe("+55 11 98765-4321");
    expect(displayPhone("+551134567890")).toBe("+55 11 3456-7890");
    expect(displayPhone("+14155550100")).toBe("+14155550100");
  });
});

describe("startBody", () => {
  const tpl = { type: "template" as const, name: "lembrete", language: "pt_BR", body: { nome: "Ana" } };
  it("names a contact or a number, with the template's parameters", () => {
    expect(startBody("ch1", { contactId: "k1" }, tpl)).toEqual({ channel_id: "ch1", contact_id: "k1", template: { name: "lembrete", language: "pt_BR", body: { nome: "Ana" } } });
    expect(startBody("ch1", { phone: "+5511987654321", name: "  " }, tpl)).toEqual({ channel_id: "ch1", phone: "+5511987654321", template: { name: "lembrete", language: "pt_BR", body: { nome: "Ana" } } });
    expect(startBody("ch1", { phone: "+5511987654321", name: "Ana" }, tpl).name).toBe("Ana");
  });
});
