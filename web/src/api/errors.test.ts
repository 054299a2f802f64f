import i18n from "i18next";
import { beforeAll, describe, expect, it } from "vitest";

import "../i18n";
import { ApiError, asApiError, errorMessage, fieldError, fieldMessage, parseRetryAfter, toApiError } from "./errors";
import type { Translate } from "./errors";

const t = i18n.t.bind(i18n) as unknown as Translate;

function res(status: number, headers: Record<string, string> = {}) {
  return new Response(null, { status, headers });
}

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});

describe("toApiError", () => {
  it("reads the API's error body", () => {
    const e = toApiError(res(422), {
      error: { code: "validation_failed", message: "some fields are invalid", fields: { email: ["must be a valid e-mail address"] } },
    });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.code).toBe("validation_failed");
    expect(e.fields).toEqual({ email: ["must be a valid e-mail address"] });
    expect(e.retryAfter).toBeNull();
  });

  it("keeps Retry-After of a 429", () => {
    const e = toApiError(res(429, { "Retry-After": "840" }), { error: { code: "too_many_attempts", message: "too many attempts; try again later" } });
    expect(e.retryAfter).toBe(840);
  });

  it("survives a body that is not the error shape", () => {
    const e = toApiError(res(502), "<html>bad gateway</html>");
    expect(e.code).toBe("unexpected_response");
    expect(e.status).toBe(502);
  });
});

describe("parseRetryAfter", () => {
  it("accepts seconds and HTTP dates", () => {
    expect(parseRetryAfter("30")).toBe(30);
    const now = Date.parse("2026-11-22T12:00:00Z");
    expect(parseRetryAfter("Sun, 22 Nov 2026 12:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});

describe("errorMessage", () => {
  it("translates known codes in every language", async () => {
    const e = new ApiError(403, "tenant_suspended", "this tenant is suspended; contact the platform");
    await i18n.changeLanguage("pt-BR");
    expect(errorMessage(t, e)).toBe("O acesso desta empresa está suspenso. Fale com o suporte do Atende.");
    await i18n.changeLanguage("en");
    expect(errorMessage(t, e)).toBe("This company's access is suspended. Contact Atende support.");
    await i18n.changeLanguage("es");
    expect(errorMessage(t, e)).toBe("El acceso de esta empresa está suspendido. Contacta al soporte de Atende.");
    await i18n.changeLanguage("pt-BR");
  });

  it("adds the wait of a lockout", () => {
    const e = new ApiError(429, "too_many_attempts", "too many attempts; try again later", {}, 840);
    expect(errorMessage(t, e)).toBe("Muitas tentativas. Tente de novo em 14 minutos.");
    const short = new ApiError(429, "too_many_requests", "slow down", {}, 1);
    expect(errorMessage(t, short)).toBe("Muitas solicitações. Tente de novo em 1 segundo.");
  });

  it("falls back to the server's message for codes it does not know", () => {
    const e = new ApiError(409, "channel_busy", "the channel is being reconnected");
    expect(errorMessage(t, e)).toBe("the channel is being reconnected");
  });

  it("maps a failed fetch to the network message", () => {
    expect(asApiError(new TypeError("Failed to fetch")).code).toBe("network_error");
    expect(errorMessage(t, new TypeError("Failed to fetch"))).toBe("Sem conexão com o servidor. Verifique sua internet e tente de novo.");
  });
});

describe("field messages", () => {
  it("translates the API's known field messages", () => {
    expect(fieldMessage(t, "must have at least 10 characters")).toBe("Use pelo menos 10 caracteres.");
    expect(fieldMessage(t, "must be a valid e-mail address")).toBe("Digite um e-mail válido.");
    expect(fieldMessage(t, "slug is already in use")).toBe("Este valor já está em uso.");
    expect(fieldMessage(t, "must be 2-63 characters of a-z, 0-9 and inner hyphens")).toContain("2 a 63");
  });

  it("translates the messaging field messages", () => {
    expect(fieldMessage(t, "must be / followed by 1 to 40 letters, digits, _ or -")).toBe("Use / seguido de 1 a 40 letras, números, _ ou -.");
    expect(fieldMessage(t, "must be a colour like #1f9d55")).toBe("Escolha uma cor como #1f9d55.");
    expect(fieldMessage(t, "must have 1 to 4096 characters")).toBe("Use de 1 a 4096 caracteres.");
    expect(fieldMessage(t, "is required")).toBe("Preencha este campo.");
    expect(fieldMessage(t, "must be between 0 and 720")).toBe("Use um valor entre 0 e 720.");
    expect(fieldMessage(t, "WhatsApp refused these credentials: Invalid OAuth access token.")).toBe(
      "O WhatsApp recusou estas credenciais: Invalid OAuth access token.",
    );
  });

  it("shows unknown field messages as sent", () => {
    expect(fieldMessage(t, "something new")).toBe("something new");
  });

  it("picks the first message of a field", () => {
    const e = new ApiError(422, "validation_failed", "x", { password: ["the password is incorrect", "other"] });
    expect(fieldError(t, e, "password")).toBe("Senha incorreta.");
    expect(fieldError(t, e, "email")).toBeUndefined();
    expect(fieldError(t, new Error("x"), "email")).toBeUndefined();
  });
});
