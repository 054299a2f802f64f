import { describe, expect, it } from "vitest";

import type { Translate } from "../../../api/errors";
import i18n from "../../../i18n";
import type { Message } from "../../../inbox/queries";
import { systemText } from "./system";
import type { Directory } from "./system";

describe("resolve and reopen lines", () => {
  const dir: Directory = { me: "u-me", members: new Map([["u-maria", "Maria"]]), teams: new Map(), departments: new Map() };
  const pt = i18n.getFixedT("pt-BR") as unknown as Translate;
  const en = i18n.getFixedT("en") as unknown as Translate;
  const line = (body: string, payload: object) => ({ id: "s", body, type: "system", author: "system", payload }) as unknown as Message;

  it("says who resolved, reopened or undid, in the reader's words", () => {
    const from = { status: "open", assignee_id: "u-maria" };
    expect(systemText(line("resolved", { from, by: "u-maria" }), dir, pt)).toBe("Maria resolveu a conversa.");
    expect(systemText(line("resolved", { from, by: "u-me" }), dir, pt)).toBe("Você resolveu a conversa.");
    expect(systemText(line("reopened", { from: { status: "resolved" }, by: "u-maria" }), dir, pt)).toBe("Maria reabriu a conversa.");
    expect(systemText(line("reopened", { from: { status: "resolved" }, by: "u-me", undo: "m-1" }), dir, pt)).toBe("Você desfez a resolução.");
    expect(systemText(line("resolved", { by: "u-gone" }), dir, en)).toBe("Someone resolved the conversation.");
  });
});
