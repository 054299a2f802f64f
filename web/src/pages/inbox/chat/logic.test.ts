import { describe, expect, it } from "vitest";

import type { Translate } from "../../../api/errors";
import i18n from "../../../i18n";
import type { Message } from "../../../inbox/queries";
import { filterQuickReplies, slashQuery } from "./quickReplies";
import { systemText } from "./system";
import type { Directory } from "./system";
import type { QuickReply } from "./quickReplies";
import { allFilled, buildTemplateSend, placeholders, previewOf, templateParams } from "./templates";
import type { Template } from "./templates";
import { mailtoHref } from "./MessageContent";
import { keyFor, sendDone } from "./send";
import { fold, formatBytes } from "./text";
import { buildTimeline, dayLabel, failureReason, localDay, reactionsByTarget, tickOf } from "./timeline";
import { formatRemaining, windowState } from "./window";

let seq = 0;
function msg(p: Partial<Message>): Message {
  seq++;
  return {
    id: `m${seq}`,
    conversation_id: "c1",
    author: "contact",
    direction: "inbound",
    type: "text",
    body: `text ${seq}`,
    is_private_note: false,
    created_at: "2026-11-20T12:00:00Z",
    ...p,
  };
}

describe("ticks", () => {
  const out = { direction: "outbound", is_private_note: false } as const;
  it("reads the status of outbound messages, played as read", () => {
    expect(tickOf({ ...out, status: "queued" })).toBe("queued");
    expect(tickOf({ ...out, status: "sent" })).toBe("sent");
    expect(tickOf({ ...out, status: "delivered" })).toBe("delivered");
    expect(tickOf({ ...out, status: "read" })).toBe("read");
    expect(tickOf({ ...out, status: "played" })).toBe("read");
    expect(tickOf({ ...out, status: "failed" })).toBe("failed");
  });

  it("has none for inbound messages, notes and unknown states", () => {
    expect(tickOf({ direction: "inbound", is_private_note: false, status: "read" })).toBeNull();
    expect(tickOf({ ...out, is_private_note: true, status: null })).toBeNull();
    expect(tickOf({ ...out, status: null })).toBeNull();
    expect(tickOf({ ...out, status: "weird" })).toBeNull();
  });

  it("names the provider's reason of a failure", () => {
    expect(failureReason({ error: { title: "Re-engagement message", code: "131047" } })).toBe("Re-engagement message (131047)");
    expect(failureReason({ error: { code: "131026" } })).toBe("131026");
    expect(failureReason({ error: null })).toBe("");
  });
});

describe("timeline", () => {
  it("puts a separator before each day and folds reactions into their targets", () => {
    const a = msg({ created_at: "2026-11-19T15:00:00" });
    const b = msg({ created_at: "2026-11-20T09:00:00", direction: "outbound", author: "agent", author_user_id: "u1", status: "read" });
    const r1 = msg({ type: "reaction", reply_to_id: b.id, body: "👍", created_at: "2026-11-20T09:01:00" });
    const r2 = msg({ type: "reaction", reply_to_id: b.id, body: "❤️", created_at: "2026-11-20T09:02:00" });
    const r3 = msg({ type: "reaction", direction: "outbound", author: "agent", author_user_id: "u1", reply_to_id: b.id, body: "❤️", created_at: "2026-11-20T09:03:00" });
    const sys = msg({ type: "system", author: "system", body: "Número alterado", created_at: "2026-11-20T09:04:00" });
    const items = buildTimeline([a, b, r1, r2, r3, sys]);
    expect(items.map((i) => i.kind)).toEqual(["day", "message", "day", "message", "system"]);
    expect(items[0]).toMatchObject({ day: localDay(a.created_at) });
    const target = items[3];
    expect(target?.kind === "message" && target.reactions).toEqual([{ emoji: "❤️", who: ["contact", "u1"] }]);
  });

  it("keeps the latest reaction per author and drops withdrawn ones", () => {
    const t = msg({});
    const list = [
      t,
      msg({ type: "reaction", reply_to_id: t.id, body: "😂" }),
      msg({ type: "reaction", reply_to_id: t.id, body: null, payload: { emoji: null, removed: true } }),
      msg({ type: "reaction", direction: "outbound", author: "agent", author_user_id: "u2", reply_to_id: t.id, body: "🙏" }),
      msg({ type: "reaction", reply_to_id: "not-loaded", body: "👍" }),
    ];
    const map = reactionsByTarget(list);
    expect(map.get(t.id)).toEqual([{ emoji: "🙏", who: ["u2"] }]);
    expect(buildTimeline(list).filter((i) => i.kind === "message")).toHaveLength(1);
  });

  it("marks bubbles that continue a run of the same author", () => {
    const a = msg({ created_at: "2026-11-20T10:00:00" });
    const b = msg({ created_at: "2026-11-20T10:01:00" });
    const c = msg({ created_at: "2026-11-20T10:20:00" });
    const d = msg({ created_at: "2026-11-20T10:20:30", direction: "outbound", author: "agent", author_user_id: "u1" });
    const runs = buildTimeline([a, b, c, d]).flatMap((i) => (i.kind === "message" ? [i.continued] : []));
    expect(runs).toEqual([false, true, false, false]);
  });

  it("labels days as today, yesterday, a weekday, or a date", () => {
    const now = new Date(2026, 10, 22, 15, 0);
    const words = { today: "Hoje", yesterday: "Ontem" };
    expect(dayLabel("2026-11-22", now, "pt-BR", words)).toBe("Hoje");
    expect(dayLabel("2026-11-21", now, "pt-BR", words)).toBe("Ontem");
    expect(dayLabel("2026-11-18", now, "pt-BR", words)).toBe("Quarta-feira");
    expect(dayLabel("2026-11-18", now, "en", words)).toBe("Wednesday");
    expect(dayLabel("2026-10-05", now, "pt-BR", words)).toBe("5 de outubro");
    expect(dayLabel("2025-10-05", now, "en", words)).toBe("October 5, 2025");
  });
});

const positional: Template = {
  id: "t1",
  channel_id: "ch1",
  name: "pedido_enviado",
  language: "pt_BR",
  status: "APPROVED",
  parameter_format: "POSITIONAL",
  updated_at: "2026-01-01T00:00:00Z",
  components: [
    { type: "HEADER", format: "TEXT", text: "Pedido {{1}}", example: { header_text: ["#48213"] } },
    { type: "BODY", text: "Olá, {{1}}! Seu pedido #{{2}} chega até {{3}}. Obrigado, {{1}}.", example: { body_text: [["Ana", "48213", "25/06"]] } },
    { type: "FOOTER", text: "Casa Aurora" },
    {
      type: "BUTTONS",
      buttons: [
        { type: "URL", text: "Rastrear", url: "https://loja.example/r/{{1}}", example: ["https://loja.example/r/48213"] },
        { type: "QUICK_REPLY", text: "Já recebi" },
      ],
    },
  ] as unknown as Template["components"],
};

const named: Template = {
  ...positional,
  id: "t2",
  name: "lembrete_pagamento",
  parameter_format: "NAMED",
  components: [
    {
      type: "BODY",
      text: "Olá, {{nome_cliente}}! O boleto do pedido #{{numero_pedido}} vence em {{data_vencimento}}.",
      example: { body_text_named_params: [{ param_name: "nome_cliente", example: "João" }, { param_name: "numero_pedido", example: "48377" }] },
    },
  ] as unknown as Template["components"],
};

describe("templates", () => {
  it("finds placeholders once, numbers in order", () => {
    expect(placeholders("{{2}} e {{1}} e {{2}} e {{10}}")).toEqual(["1", "2", "10"]);
    expect(placeholders("{{ nome }} e {{pedido}}")).toEqual(["nome", "pedido"]);
    expect(placeholders(null)).toEqual([]);
  });

  it("lists header, body and URL-button parameters with their examples", () => {
    expect(templateParams(positional)).toEqual([
      { id: "header:1", slot: "header", key: "1", example: "#48213" },
      { id: "body:1", slot: "body", key: "1", example: "Ana" },
      { id: "body:2", slot: "body", key: "2", example: "48213" },
      { id: "body:3", slot: "body", key: "3", example: "25/06" },
      { id: "button:0", slot: "button", key: "0", index: 0, example: "https://loja.example/r/48213" },
    ]);
    expect(templateParams(named).map((p) => [p.id, p.example])).toEqual([
      ["body:nome_cliente", "João"],
      ["body:numero_pedido", "48377"],
      ["body:data_vencimento", ""],
    ]);
  });

  it("fills the preview as values are typed", () => {
    const p = previewOf(positional, { "body:1": "Bia", "header:1": "#1", "button:0": "X9" });
    expect(p.body).toBe("Olá, Bia! Seu pedido #{{2}} chega até {{3}}. Obrigado, Bia.");
    expect(p.header).toBe("Pedido #1");
    expect(p.buttons[0]?.url).toBe("https://loja.example/r/X9");
  });

  it("builds a positional send as lists", () => {
    const values = { "header:1": "#9", "body:1": " Bia ", "body:2": "77", "body:3": "amanhã", "button:0": "77" };
    expect(allFilled(templateParams(positional), values)).toBe(true);
    expect(allFilled(templateParams(positional), { ...values, "body:3": " " })).toBe(false);
    expect(buildTemplateSend(positional, values)).toEqual({
      type: "template",
      name: "pedido_enviado",
      language: "pt_BR",
      header: ["#9"],
      body: ["Bia", "77", "amanhã"],
      buttons: [{ index: 0, sub_type: "url", text: "77" }],
    });
  });

  it("builds a named send as an object", () => {
    expect(buildTemplateSend(named, { "body:nome_cliente": "João", "body:numero_pedido": "1", "body:data_vencimento": "30/06" })).toEqual({
      type: "template",
      name: "lembrete_pagamento",
      language: "pt_BR",
      body: { nome_cliente: "João", numero_pedido: "1", data_vencimento: "30/06" },
    });
  });

  it("asks a media header for a link", () => {
    const doc: Template = { ...positional, components: [{ type: "HEADER", format: "DOCUMENT" }, { type: "BODY", text: "Sua nota fiscal." }] as unknown as Template["components"] };
    expect(templateParams(doc)).toEqual([{ id: "header:media", slot: "header", key: "media", example: "", media: "document" }]);
    expect(buildTemplateSend(doc, { "header:media": "https://x.example/nf.pdf" })).toMatchObject({ header: [{ type: "document", link: "https://x.example/nf.pdf" }] });
    expect(buildTemplateSend(doc, {})).not.toHaveProperty("body");
  });
});

describe("quick replies", () => {
  const qr = (shortcut: string, title: string, content: string): QuickReply => ({ id: shortcut, shortcut, title, content, created_at: "", updated_at: "" });
  const list = [qr("/saudacao", "Saudação", "Olá! Como posso ajudar?"), qr("/horario", "Horário", "Atendemos das 8h às 18h."), qr("/pix", "Pagamento", "Nossa chave Pix é a saudação do dia")];

  it("opens only for a / at the start of a one-line message", () => {
    expect(slashQuery("/")).toBe("");
    expect(slashQuery("/sau")).toBe("sau");
    expect(slashQuery("/bom dia")).toBe("bom dia");
    expect(slashQuery("oi /sau")).toBeNull();
    expect(slashQuery("/sau\nmais")).toBeNull();
  });

  it("puts shortcut prefixes first, then matches in the text, ignoring accents", () => {
    expect(filterQuickReplies(list, "").map((r) => r.shortcut)).toEqual(["/saudacao", "/horario", "/pix"]);
    expect(filterQuickReplies(list, "sau").map((r) => r.shortcut)).toEqual(["/saudacao", "/pix"]);
    expect(filterQuickReplies(list, "HORÁRIO").map((r) => r.shortcut)).toEqual(["/horario"]);
    expect(filterQuickReplies(list, "8h 18h").map((r) => r.shortcut)).toEqual(["/horario"]);
    expect(filterQuickReplies(list, "nada disso")).toEqual([]);
    expect(filterQuickReplies(list, "", 2)).toHaveLength(2);
  });
});

describe("window", () => {
  const now = Date.parse("2026-11-22T12:00:00Z");
  it("is open without a countdown far from closing", () => {
    expect(windowState({ window_open: true, window_closes_at: "2026-11-23T08:00:00Z" }, now)).toEqual({ open: true, closesInMs: null });
    expect(windowState({ window_open: true, window_closes_at: null }, now)).toEqual({ open: true, closesInMs: null });
  });

  it("counts down in the last four hours and closes when the time comes", () => {
    expect(windowState({ window_open: true, window_closes_at: "2026-11-22T15:00:00Z" }, now)).toEqual({ open: true, closesInMs: 3 * 3_600_000 });
    expect(windowState({ window_open: true, window_closes_at: "2026-11-22T11:59:00Z" }, now)).toEqual({ open: false, closesInMs: null });
    expect(windowState({ window_open: false, window_closes_at: "2026-11-22T10:00:00Z" }, now)).toEqual({ open: false, closesInMs: null });
  });

  it("says how long is left in the UI language", () => {
    expect(formatRemaining(3 * 3_600_000, "pt-BR")).toBe("3 h");
    expect(formatRemaining(3 * 3_600_000 + 59 * 60_000, "pt-BR")).toBe("3 h");
    expect(formatRemaining(25 * 60_000, "pt-BR")).toBe("25 min");
    expect(formatRemaining(10_000, "en")).toBe("1 min");
  });
});

describe("text helpers", () => {
  it("folds accents and formats sizes", () => {
    expect(fold("Saudação ÀÉ")).toBe("saudacao ae");
    expect(formatBytes(812, "en")).toBe("812 B");
    expect(formatBytes(48_200, "en")).toBe("48 kB");
    expect(formatBytes(3_200_000, "pt-BR")).toBe("3,2 MB");
    expect(formatBytes(null, "en")).toBe("");
  });
});

describe("system messages", () => {
  const dir: Directory = {
    me: "u-me",
    members: new Map([
      ["u-me", "Admin"],
      ["u-maria", "Maria"],
    ]),
    teams: new Map([["t-sales", "Vendas"]]),
    departments: new Map([["d-com", "Comercial"]]),
  };
  const pt = i18n.getFixedT("pt-BR") as unknown as Translate;
  const sys = (body: string, to: object | null, by: string | null = "u-maria") =>
    ({ id: "s", body, type: "system", author: "system", payload: to ? { from: {}, to, by } : null }) as unknown as Message;

  it("names who moved the conversation where, in the reader's words", () => {
    expect(systemText(sys("assigned", { assignee_id: "u-maria" }), dir, pt)).toBe("Maria assumiu a conversa.");
    expect(systemText(sys("assigned", { assignee_id: "u-me" }), dir, pt)).toBe("Maria atribuiu a conversa a você.");
    expect(systemText(sys("assigned", { assignee_id: "u-maria" }, "u-me"), dir, pt)).toBe("Você atribuiu a conversa a Maria.");
    expect(systemText(sys("transferred", { team_id: "t-sales" }), dir, pt)).toBe("Maria transferiu a conversa para a equipe Vendas.");
    expect(systemText(sys("transferred", { department_id: "d-com" }, null), dir, pt)).toBe("Alguém transferiu a conversa para o departamento Comercial.");
    expect(systemText(sys("assigned", {}), dir, pt)).toBe("Maria devolveu a conversa para a fila.");
  });

  it("keeps a provider's notice as written", () => {
    expect(systemText(sys("O cliente mudou de número.", null), dir, pt)).toBe("O cliente mudou de número.");
  });
});

describe("vCard e-mails", () => {
  it("links plain addresses only, encoded", () => {
    expect(mailtoHref("ana@example.com")).toBe("mailto:ana@example.com");
    expect(mailtoHref("ana+vip@example.com")).toBe("mailto:ana%2Bvip@example.com");
    expect(mailtoHref("ana@example.com?subject=x")).toBeNull();
    expect(mailtoHref("a b@example.com")).toBeNull();
    expect(mailtoHref("x@y@z")).toBeNull();
    expect(mailtoHref("ana@ex.com&body=oi")).toBeNull();
  });
});

describe("idempotency keys", () => {
  it("reuses a failed send's key for the same body in the same conversation, until it succeeds", () => {
    const body = { type: "text", body: "Oi" } as const;
    const k1 = keyFor("cA", body);
    expect(keyFor("cA", body)).toBe(k1);
    expect(keyFor("cB", body)).not.toBe(k1);
    const k2 = keyFor("cA", { type: "text", body: "Olá" });
    expect(k2).not.toBe(k1);
    sendDone("cA", k2);
    expect(keyFor("cA", { type: "text", body: "Olá" })).not.toBe(k2);
  });
});
