// Slice "channels" of issue 10, run by run.mjs after the inbox journey (the WhatsApp channel on the
// fake Graph API exists, its templates are synced): the welcome message reaches the fake Graph API
// once for a new conversation; an account-level provider error marks the channel "Instável" on
// its card and in the chat's banner; the connect form warns that the public URL is not HTTPS; a
// conversation started with a template from "Nova conversa" (the send that goes through clears
// the degraded state). Screenshots 30-… in web/e2e/screenshots/.

import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import { expectVisible, fail, log, shot, until, webRoot } from "./lib.mjs";

const fixtures = path.join(webRoot, "..", "..", "shared", "fixtures", "channels", "whatsapp");


function delivery(phoneNumberId, value) {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: "555000111", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "551140000000", phone_number_id: phoneNumberId }, ...value } }] }],
  };
}

export async function channelsJourney({ page, base, server, graph, webhookPath, appSecret, phoneNumberId }) {
  const post = async (payload) => {
    const raw = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", appSecret).update(raw).digest("hex")}`;
    const res = await fetch(`${server.base}${webhookPath}`, { method: "POST", headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signature }, body: raw });
    if (res.status !== 200) fail(`the webhook was answered ${res.status}: ${await res.text()}`);
  };

  // 1. The welcome message: set it on the WhatsApp channel; a new number writes; it goes out once.
  const hello = "Olá! Obrigado por falar com a Loja Exemplo. Já vamos te atender.";
  await page.goto(`${base}/settings/channels`);
  await page.getByRole("button", { name: "Editar WhatsApp" }).first().click();
  await page.getByRole("dialog").getByLabel("Mensagem de boas-vindas (opcional)").fill(hello);
  await page.getByRole("dialog").getByRole("button", { name: "Salvar" }).click();
  await expectVisible(page.getByText("Alterações salvas.").last(), "greeting saved");
  const carla = { from: "5511955554444", name: "Carla Mendes", id: "wamid.e2e-in-carla-1" };
  const first = (id, body) =>
    delivery(phoneNumberId, {
      contacts: [{ profile: { name: carla.name }, wa_id: carla.from }],
      messages: [{ from: carla.from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body } }],
    });
  await post(first(carla.id, "Oi, boa tarde!"));
  await until(() => graph.sent.some((b) => b.type === "text" && b.to === carla.from && b.text?.body === hello), "the greeting at the fake Graph API");
  await post(first(carla.id, "Oi, boa tarde!")); // the same webhook again
  await post(first("wamid.e2e-in-carla-2", "Queria saber do frete"));
  await page.goto(`${base}/inbox`);
  await page.getByTestId("tab-all").click();
  await page.getByTestId("conversation-row").filter({ hasText: carla.name }).first().click();
  await expectVisible(page.getByTestId("message").filter({ hasText: "Queria saber do frete" }), "Carla's second message");
  await expectVisible(page.locator('[data-testid="message"][data-direction="outbound"]').filter({ hasText: "Obrigado por falar" }), "the greeting in the thread");
  const greetings = graph.sent.filter((b) => b.to === carla.from && b.text?.body === hello).length;
  if (greetings !== 1) fail(`the greeting went ${greetings} times`);
  await shot(page, "30-greeting-in-thread");
  log("the welcome message went out once, through the fake Graph API");

  // 2. An account-level provider error (Meta's errors webhook, 130429): the channel is degraded.
  const errors = JSON.parse(readFileSync(path.join(fixtures, "inbound", "errors-system-level.json"), "utf8"));
  errors.entry[0].changes[0].value.metadata.phone_number_id = phoneNumberId;
  await post(errors);
  await page.goto(`${base}/settings/channels`);
  const degraded = page.getByTestId("channel-degraded");
  await expectVisible(degraded, "the degraded line on the channel card");
  const text = await degraded.first().textContent();
  if (!/^Instável — limite de envios por segundo do número atingido (agora|há \d+ minutos?)$/.test(text ?? "")) fail(`unexpected degraded line: ${text}`);
  await shot(page, "31-channel-degraded");
  await page.goto(`${base}/inbox`);
  await page.getByTestId("tab-all").click();
  await page.getByTestId("conversation-row").filter({ hasText: carla.name }).first().click();
  await expectVisible(page.getByTestId("channel-health-banner"), "the degraded banner in the chat");
  await shot(page, "32-chat-degraded-banner");
  log("a provider error shows the channel as unstable, on its card and in the chat");

  // 3. The connect form warns that the public URL is not HTTPS (the test server is http://127.0.0.1).
  await page.goto(`${base}/settings/channels`);
  await page.getByRole("button", { name: "Conectar WhatsApp" }).first().click();
  const warning = page.getByRole("dialog").getByTestId("public-url-warning");
  await expectVisible(warning, "the public URL warning");
  if (!(await warning.textContent())?.includes("ATENDE_PUBLIC_URL=https://")) fail("the warning does not say how to set ATENDE_PUBLIC_URL");
  await page.getByRole("dialog").getByTestId("verify-token").fill("curto");
  await expectVisible(page.getByRole("dialog").getByText("Use de 8 a 128 caracteres."), "the verify token's rule");
  await shot(page, "33-connect-https-warning");
  await page.getByRole("dialog").getByRole("button", { name: "Cancelar" }).click();
  log("the connect form warns about a non-HTTPS public URL and checks the verify token");

  // 4. Start a conversation with a template from the inbox, to a new number.
  await page.goto(`${base}/inbox`);
  await page.getByTestId("new-conversation").click();
  const dlg = page.getByRole("dialog");
  await dlg.getByTestId("start-to").fill("(31) 9123-4567");
  await dlg.getByTestId("start-use-number").click();
  await dlg.getByTestId("start-name").fill("Débora Ramos");
  await dlg.getByTestId("start-template").selectOption({ label: "lembrete_pagamento (pt_BR)" });
  const params = dlg.getByTestId("start-param");
  await until(async () => (await params.count()) === 3, "three template parameters");
  await params.nth(0).fill("Débora");
  await params.nth(1).fill("50012");
  await params.nth(2).fill("15/12/2026");
  await shot(page, "34-start-conversation");
  await dlg.getByTestId("start-send").click();
  await page.waitForURL("**/inbox/*");
  const tpl = await until(() => graph.sent.find((b) => b.type === "template" && b.to === "5531991234567"), "the opening template at the fake Graph API");
  if (tpl.template?.name !== "lembrete_pagamento") fail(`unexpected template: ${JSON.stringify(tpl)}`);
  await expectVisible(page.locator('[data-testid="message"][data-direction="outbound"]').filter({ hasText: "50012" }), "the template's bubble in the new conversation");
  await shot(page, "35-started-conversation");
  // That send went through: the channel is healthy again.
  await page.goto(`${base}/settings/channels`);
  await until(async () => {
    await page.reload();
    await page.getByRole("button", { name: "Editar WhatsApp" }).first().waitFor({ state: "visible" });
    return (await page.getByTestId("channel-degraded").count()) === 0;
  }, "the degraded state cleared by a successful send");
  log("a conversation started with a template; the successful send cleared the degraded state");
}
