// The inbox journey, run by run.mjs once the demo admin has a WhatsApp channel (on the fake Graph
// API) and a team: a signed WhatsApp webhook → the conversation appears live → open it → reply →
// the fake Graph API receives the documented body → delivered then read statuses → the ticks
// change; a file the provider would not give, and "Tentar novamente"; a private note is never
// sent; assign and transfer with a note; the window-closed banner and a template send (compared
// with the documented body); a web-chat widget round trip; the inbox on a 375 px phone.
// Screenshots go to web/e2e/screenshots/ (20-…).

import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";

import { inboxListCounters, inboxListJourney } from "./inboxlist.mjs";
import { failedMediaJourney } from "./media.mjs";
import { queuedRowOffersTake, replyTookIt, resolveAndUndo, takeFromHeader } from "./lifecycle.mjs";
import { expectVisible, fail, log, shot, signIn, until, watchErrors, webRoot } from "./lib.mjs";

const fixtures = path.join(webRoot, "..", "..", "shared", "fixtures", "channels", "whatsapp");
const fixture = (p) => JSON.parse(readFileSync(path.join(fixtures, p), "utf8"));

/** A webhook delivery as Meta sends it: `value` inside one entry and change. */
function delivery(phoneNumberId, value) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "555000111",
        changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "551140000000", phone_number_id: phoneNumberId }, ...value } }],
      },
    ],
  };
}

function textMessage(phoneNumberId, { from, name, id, at, body }) {
  return delivery(phoneNumberId, {
    contacts: [{ profile: { name }, wa_id: from }],
    messages: [{ from, id, timestamp: String(at), type: "text", text: { body } }],
  });
}

function statusUpdate(phoneNumberId, { id, status, to }) {
  return delivery(phoneNumberId, {
    statuses: [{ id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: to }],
  });
}


async function expectAttr(locator, name, value, what) {
  await until(async () => (await locator.first().getAttribute(name).catch(() => null)) === value, `${what} (${name}=${value})`);
}

/** The body the platform sent, without the callback data (it carries our message id). */
function withoutCallback(body) {
  const rest = { ...body };
  delete rest.biz_opaque_callback_data;
  return rest;
}

export async function inboxJourney({ browser, page, base, server, graph, webhookPath, appSecret, phoneNumberId, adminPassword, errors }) {
  const post = async (payload) => {
    const raw = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", appSecret).update(raw).digest("hex")}`;
    const res = await fetch(`${server.base}${webhookPath}`, { method: "POST", headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signature }, body: raw });
    if (res.status !== 200) fail(`the webhook was answered ${res.status}: ${await res.text()}`);
  };
  const sentBefore = graph.sent.length;

  // Templates come from Meta's WhatsApp Manager: sync them from the channel list.
  await page.goto(`${base}/settings/channels`);
  await page.getByRole("button", { name: /^Sincronizar modelos de / }).first().click();
  await expectVisible(page.getByText(/3 modelos sincronizados de /), "templates synced");

  // The inbox is open (its socket subscribed) before the customer writes.
  let onSocket;
  const subscribed = new Promise((resolve) => {
    onSocket = (ws) => ws.on("framereceived", (f) => String(f.payload).includes('"subscribed"') && resolve());
    page.on("websocket", onSocket);
  });
  await page.goto(`${base}/inbox`);
  let timer;
  await Promise.race([subscribed, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("the inbox's WebSocket did not subscribe")), 15_000)))]);
  clearTimeout(timer);
  page.off("websocket", onSocket);
  await page.getByTestId("tab-unassigned").click();

  const now = Math.floor(Date.now() / 1000);
  const ana = { from: "5511976543210", name: "Ana Beatriz", id: "wamid.e2e-in-ana-1", at: now, body: "Olá! Meu pedido #48213 ainda não chegou. Vocês conseguem verificar?" };
  await post(textMessage(phoneNumberId, ana));
  const anaRow = page.getByTestId("conversation-row").filter({ hasText: "Ana Beatriz" });
  await expectVisible(anaRow, "the new conversation, live in the list (no reload)").catch(async (e) => {
    await shot(page, "fail-live");
    throw e;
  });
  await inboxListCounters(page);
  await expectAttr(anaRow, "data-unread", "1", "unread badge");
  await shot(page, "20-inbox-live");
  await queuedRowOffersTake(page, anaRow);
  log("a signed WhatsApp webhook made a conversation appear live");

  // Open it and reply: the fake Graph API receives the documented body.
  await anaRow.first().click();
  await page.waitForURL("**/inbox/*");
  await expectVisible(page.getByTestId("message").filter({ hasText: "Meu pedido #48213" }), "the customer's message");
  const reply = "Oi, Ana! Já localizamos o pedido #48213 🔎 Ele saiu para entrega hoje.";
  await page.getByTestId("composer-input").fill(reply);
  await page.getByTestId("composer-send").click();
  const outbound = page.locator('[data-testid="message"][data-direction="outbound"]').filter({ hasText: "Já localizamos" });
  await expectVisible(outbound, "the reply's bubble");
  const sent = await until(() => graph.sent.find((b) => b.type === "text" && b.text?.body === reply), "the reply at the fake Graph API");
  const expected = { messaging_product: "whatsapp", recipient_type: "individual", to: ana.from, type: "text", text: { preview_url: false, body: reply } };
  if (!isDeepStrictEqual(withoutCallback(sent), expected)) fail(`the reply's body differs from the documented one:\n${JSON.stringify(sent)}`);
  const wamid = `wamid.e2e-${graph.sent.indexOf(sent) + 1}`;
  await expectAttr(outbound, "data-status", "sent", "sent tick");
  await post(statusUpdate(phoneNumberId, { id: wamid, status: "delivered", to: ana.from }));
  await expectAttr(outbound, "data-status", "delivered", "delivered ticks");
  await shot(page, "21-chat-delivered");
  await post(statusUpdate(phoneNumberId, { id: wamid, status: "read", to: ana.from }));
  await expectAttr(outbound, "data-status", "read", "read ticks");
  await shot(page, "22-chat-read");
  log("replied: the documented body reached the fake Graph API; delivered then read ticks");
  await replyTookIt(page);
  await failedMediaJourney({ page, post, graph, phoneNumberId, from: ana.from });

  // A private note is shown to the team and never sent.
  const noteToggle = page.getByTestId("composer-note-toggle");
  await noteToggle.click();
  const noteText = "Cliente VIP: priorizar a entrega.";
  await page.getByTestId("composer-input").fill(noteText);
  await page.getByTestId("composer-send").click();
  await expectVisible(page.locator('[data-testid="message"][data-note="true"]').filter({ hasText: noteText }), "the note's bubble");
  if ((await noteToggle.getAttribute("aria-pressed")) === "true") await noteToggle.click();
  await shot(page, "23-chat-note");

  // The reply made it mine (assign_on_reply); transfer it to the team with a note for the receiver.
  if (!(await page.getByTestId("transfer-open").isVisible())) await page.getByTestId("details-toggle").click();
  await page.getByTestId("tab-mine").click();
  await expectVisible(page.getByTestId("conversation-row").filter({ hasText: "Ana Beatriz" }), "the conversation under Mine");
  await page.getByTestId("transfer-open").click();
  const transfer = page.getByRole("dialog");
  await transfer.getByTestId("transfer-team").selectOption({ label: "Vendas" });
  const handover = "Ela quer comprar no atacado, segue com vocês.";
  await transfer.getByTestId("transfer-note").fill(handover);
  await transfer.getByTestId("transfer-submit").click();
  await expectVisible(page.locator('[data-testid="message"][data-note="true"]').filter({ hasText: handover }), "the transfer note");
  await shot(page, "24-transferred");
  log("mine by the reply, then transferred to a team with a note");

  // A customer who wrote 26 hours ago: the window is closed, only a template may go.
  const joao = { from: "5521998765432", name: "João Pereira", id: "wamid.e2e-in-joao-1", at: now - 26 * 3600, body: "Vocês entregam em Campinas?" };
  await post(textMessage(phoneNumberId, joao));
  await page.getByTestId("tab-all").click();
  const joaoRow = page.getByTestId("conversation-row").filter({ hasText: "João Pereira" });
  await expectVisible(joaoRow, "the second conversation");
  await joaoRow.first().click();
  await expectVisible(page.getByTestId("window-closed-banner"), "the window-closed banner");
  await shot(page, "25-window-closed");
  await takeFromHeader(page);
  await page.getByTestId("template-open").first().click();
  await page.getByTestId("template-option").filter({ hasText: "lembrete_pagamento" }).first().click();
  const params = page.getByTestId("template-param");
  await until(async () => (await params.count()) === 3, "three template parameters");
  await params.nth(0).fill("João");
  await params.nth(1).fill("48377");
  await params.nth(2).fill("30/06/2025");
  await shot(page, "26-template-picker");
  await page.getByTestId("template-send").click();
  const tpl = await until(() => graph.sent.find((b) => b.type === "template" && b.to === joao.from), "the template at the fake Graph API");
  const documented = fixture("outbound/send-template-named.json").request.body;
  if (!isDeepStrictEqual(withoutCallback(tpl), withoutCallback(documented))) fail(`the template's body differs from the documented one:\n${JSON.stringify(tpl)}`);
  await expectVisible(page.locator('[data-testid="message"][data-direction="outbound"]').filter({ hasText: "48377" }), "the template's bubble");
  log("the window-closed banner, and a template sent with the documented body");
  await resolveAndUndo(page);

  // Notes never left: the Graph API saw only the reply and the template (and read receipts).
  const ours = graph.sent.slice(sentBefore);
  if (ours.some((b) => JSON.stringify(b).includes("VIP") || JSON.stringify(b).includes("atacado"))) fail("a private note was sent to WhatsApp");
  if (ours.length !== 2) fail(`expected 2 sends at the fake Graph API, got ${ours.length}: ${JSON.stringify(ours)}`);

  // The web-chat widget: a visitor writes, the agent answers from the inbox, the visitor reads it.
  const wctx = await browser.newContext({ locale: "pt-BR", viewport: { width: 1000, height: 760 } });
  const w = await wctx.newPage();
  watchErrors(w, errors, "widget");
  // The widget and its demo page are the server's own (not the web app's): under E2E_PREVIEW too.
  await w.goto(`${server.base}/demo/widget`);
  // The demo page opens the chat by itself; a customer's site shows the launcher first.
  await expectVisible(w.getByRole("button", { name: /^(Abrir|Fechar) o chat/ }), "the widget's launcher");
  if (await w.getByRole("button", { name: /^Abrir o chat/ }).isVisible()) await w.getByRole("button", { name: /^Abrir o chat/ }).click();
  const start = w.getByRole("button", { name: "Iniciar conversa" });
  if (await start.isVisible().catch(() => false)) {
    await w.getByLabel("Nome").fill("Visitante do site");
    await w.getByLabel("E-mail").fill("visitante@example.com");
    await start.click();
  }
  const visitorText = "Olá, vim pelo site: vocês têm loja física?";
  await w.getByLabel("Escreva uma mensagem…").fill(visitorText);
  await w.keyboard.press("Enter");
  // The row previews the channel's welcome message (sent after the first message): find it by name.
  const webRow = page.getByTestId("conversation-row").filter({ hasText: /Visitante/ });
  await expectVisible(webRow, "the widget's conversation, live in the inbox");
  await webRow.first().click();
  await expectVisible(page.getByTestId("message").filter({ hasText: "loja física" }), "the visitor's message");
  const answer = "Temos sim! Rua das Flores, 123, aberta das 9h às 18h.";
  await page.getByTestId("composer-input").fill(answer);
  await page.getByTestId("composer-send").click();
  await expectVisible(w.getByText(answer), "the agent's answer in the widget");
  await shot(w, "27-widget-answer");
  await wctx.close();
  log("a web-chat widget round trip");

  await inboxListJourney({ browser, page, base, adminPassword, errors });

  // The inbox on a 375 px phone: one pane at a time with back navigation, nothing scrolls sideways.
  const phone = await browser.newContext({ locale: "pt-BR", viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const m = await phone.newPage();
  watchErrors(m, errors, "phone");
  await signIn(m, base, "admin@demo.atende.local", adminPassword);
  await m.waitForURL("**/inbox");
  await m.getByTestId("tab-all").click();
  await expectVisible(m.getByTestId("conversation-row").filter({ hasText: "Ana Beatriz" }), "the list on a phone");
  await shot(m, "28-inbox-375");
  await m.getByTestId("conversation-row").filter({ hasText: "Ana Beatriz" }).first().click();
  await expectVisible(m.getByTestId("composer-input"), "the chat on a phone");
  if (await m.getByTestId("conversation-row").first().isVisible()) fail("the list stays visible beside the chat at 375 px");
  const overflow = await m.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) fail(`the chat scrolls sideways by ${overflow}px at 375 px`);
  await shot(m, "29-chat-375");
  await m.getByTestId("chat-back").click();
  await expectVisible(m.getByTestId("conversation-row").filter({ hasText: "Ana Beatriz" }), "back to the list");
  await phone.close();
  log("the inbox on a 375 px phone");
}
