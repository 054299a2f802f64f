// A customer's file the provider would not give (the Pix receipt of inbound/document.json, 404 at
// the fake Graph API): the bubble keeps its name, format and caption with the reason; "Tentar
// novamente" downloads it once the provider has it, and the bubble turns into the document link.

import { readFileSync } from "node:fs";
import path from "node:path";

import { expectVisible, log, shot, webRoot } from "./lib.mjs";

const receiptFixture = path.join(webRoot, "..", "..", "shared", "fixtures", "channels", "whatsapp", "inbound", "document.json");

/** inbound/document.json for this run's number and customer, stamped now. */
function receipt(phoneNumberId, from) {
  const d = JSON.parse(readFileSync(receiptFixture, "utf8"));
  const value = d.entry[0].changes[0].value;
  value.metadata.phone_number_id = phoneNumberId;
  value.contacts[0].wa_id = from;
  value.messages[0].from = from;
  value.messages[0].timestamp = String(Math.floor(Date.now() / 1000));
  return d;
}

/** Run with the customer's conversation open in `page`. */
export async function failedMediaJourney({ page, post, graph, phoneNumberId, from }) {
  graph.media.available = false;
  await post(receipt(phoneNumberId, from));
  const bubble = page.getByTestId("message").filter({ hasText: "comprovante-pix-48213.pdf" });
  await expectVisible(bubble.getByTestId("media-missing"), "the failed receipt, with its file name");
  await expectVisible(bubble.getByText("Documento · PDF"), "the receipt's type and format");
  await expectVisible(bubble.getByText("Comprovante do Pix – pedido 48213"), "the receipt's caption");
  await expectVisible(bubble.getByText("Não foi possível baixar o arquivo."), "why the file is missing");
  await shot(page, "36-chat-media-failed");
  graph.media.available = true;
  await bubble.getByTestId("media-retry").click();
  await expectVisible(bubble.locator('a[download="comprovante-pix-48213.pdf"]'), "the receipt downloaded on Tentar novamente");
  await shot(page, "37-chat-media-retried");
  log("a failed file kept its name and caption; Tentar novamente downloaded it");
}
