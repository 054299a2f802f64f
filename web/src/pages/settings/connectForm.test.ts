import { describe, expect, it } from "vitest";

import { chosenVerifyToken, verifyTokenProblem } from "./connectForm";

describe("the connect form's verify token", () => {
  it("accepts an empty field (one is generated) and URL-safe tokens of 8 to 128 characters", () => {
    expect(verifyTokenProblem("")).toBeNull();
    expect(verifyTokenProblem("minha-chave_da.Aurora~2026")).toBeNull();
    expect(verifyTokenProblem("curto")).toBe("length");
    expect(verifyTokenProblem("a".repeat(129))).toBe("length");
    expect(verifyTokenProblem("tem espaço no meio")).toBe("charset");
    expect(verifyTokenProblem("a&hub.mode=x-123")).toBe("charset");
  });

  it("sends the admin's token, or a generated one when left empty", () => {
    expect(chosenVerifyToken("  minha-chave-123 ", () => "gerado")).toBe("minha-chave-123");
    expect(chosenVerifyToken("   ", () => "gerado-0123456789")).toBe("gerado-0123456789");
  });
});
