import { describe, expect, it } from "vitest";

import { QUICK_REPLY_VARIABLES, SAMPLE_CONTEXT, expandVariables, placeholder, placeholdersIn } from "./quickReplyVars";

const ctx = { contact: { name: "Ana Paula Souza", phone: "+5511987654321" }, agent: { name: "Maria Lima" }, tenant: { name: "Loja Aurora" } };

describe("expandVariables", () => {
  it("fills every known variable, with or without spaces inside the braces", () => {
    const r = expandVariables("Olá {{contact.first_name}} ({{ contact.name }}, {{contact.phone}}), aqui é {{agent.first_name}} ({{agent.name}}) da {{tenant.name}}.", ctx);
    expect(r.text).toBe("Olá Ana (Ana Paula Souza, +5511987654321), aqui é Maria (Maria Lima) da Loja Aurora.");
    expect(r.unknown).toEqual([]);
    expect(r.empty).toEqual([]);
  });

  it("leaves unknown placeholders visible and reports them once", () => {
    const r = expandVariables("Oi {{nome}}! {{nome}}, {{contact.first_name}}", ctx);
    expect(r.text).toBe("Oi {{nome}}! {{nome}}, Ana");
    expect(r.unknown).toEqual(["{{nome}}"]);
  });

  it("never invents a first name from a phone number", () => {
    const r = expandVariables("Olá {{contact.first_name}}, {{contact.name}}", { ...ctx, contact: { name: "+55 11 98765-4321", phone: "+5511987654321" } });
    expect(r.text).toBe("Olá {{contact.first_name}}, {{contact.name}}");
    expect(r.empty).toEqual(["contact.first_name", "contact.name"]);
  });

  it("reports a variable without a value (no phone) and keeps it", () => {
    const r = expandVariables("Tel: {{contact.phone}}", { ...ctx, contact: { name: "Ana", phone: null } });
    expect(r.text).toBe("Tel: {{contact.phone}}");
    expect(r.empty).toEqual(["contact.phone"]);
  });

  it("leaves text without placeholders and lone braces alone", () => {
    expect(expandVariables("Preço: {R$ 10} {{", ctx).text).toBe("Preço: {R$ 10} {{");
  });

  it("previews every listed variable with the sample values", () => {
    const all = QUICK_REPLY_VARIABLES.map(placeholder).join(" ");
    const r = expandVariables(all, SAMPLE_CONTEXT);
    expect(r.empty).toEqual([]);
    expect(placeholdersIn(r.text)).toEqual([]);
  });
});

describe("placeholdersIn", () => {
  it("lists what is left to fill, once each", () => {
    expect(placeholdersIn("Oi {{nome}}, {{ nome }} e {{nome}}")).toEqual(["{{nome}}", "{{ nome }}"]);
    expect(placeholdersIn("Oi Ana")).toEqual([]);
  });
});
