import i18n from "i18next";
import { beforeAll, describe, expect, it } from "vitest";

import "../../i18n";
import { auditActionLabel } from "./auditLabels";

describe("audit action labels", () => {
  beforeAll(async () => {
    await i18n.changeLanguage("pt-BR");
  });

  it("translates known codes in the UI language", async () => {
    expect(auditActionLabel(i18n, "members.invite")).toBe("Convidou pessoa");
    expect(auditActionLabel(i18n, "messages.send")).toBe("Enviou mensagem");
    expect(auditActionLabel(i18n, "flows.publish")).toBe("Publicou fluxo");
    await i18n.changeLanguage("en");
    expect(auditActionLabel(i18n, "messages.send")).toBe("Sent a message");
    await i18n.changeLanguage("es");
    expect(auditActionLabel(i18n, "auth.password_reset")).toBe("Restableció la contraseña");
    await i18n.changeLanguage("pt-BR");
  });

  it("translates starting a conversation and undoing a resolution in every language", async () => {
    const labels = {
      "pt-BR": ["Iniciou conversa", "Desfez a resolução de conversa"],
      en: ["Started a conversation", "Undid a conversation's resolution"],
      es: ["Inició una conversación", "Deshizo la resolución de una conversación"],
    };
    for (const [lang, [start, undo]] of Object.entries(labels)) {
      await i18n.changeLanguage(lang);
      expect(auditActionLabel(i18n, "conversations.start")).toBe(start);
      expect(auditActionLabel(i18n, "conversations.undo_resolve")).toBe(undo);
    }
    await i18n.changeLanguage("pt-BR");
  });

  it("falls back to the raw code for unknown or malformed codes", () => {
    expect(auditActionLabel(i18n, "robots.take_over")).toBe("robots.take_over");
    expect(auditActionLabel(i18n, "members")).toBe("members");
    expect(auditActionLabel(i18n, "members.invite.extra")).toBe("members.invite.extra");
  });
});
