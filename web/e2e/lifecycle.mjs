// Issue 10, slice A, in the browser (called from inbox.mjs): "Atender" on a queued row, the
// first reply that takes the conversation, "Atender" in the chat header, and resolve + undo.
// Screenshots 60-….

import { expectVisible, fail, log, shot } from "./lib.mjs";

const line = (page, text) => page.getByTestId("system-message").filter({ hasText: text });

/** On the queue tab, a conversation nobody handles offers "Atender". */
export async function queuedRowOffersTake(page, row) {
  await expectVisible(row.locator("xpath=..").getByTestId("take-conversation"), "Atender on the queued row");
  await shot(page, "60-lifecycle-queue-atender");
}

/** After the first reply, the conversation is the agent's: a line says so, no "Atender" left. */
export async function replyTookIt(page) {
  await expectVisible(line(page, "Você assumiu a conversa."), "the line of the reply that took the conversation");
  await page
    .locator("header")
    .getByTestId("take-conversation")
    .first()
    .waitFor({ state: "hidden", timeout: 10_000 })
    .catch(() => fail("Atender is still offered after the reply took the conversation"));
  await shot(page, "61-lifecycle-reply-assigned");
  log("the first reply took the conversation (line in the thread, no Atender left)");
}

/** "Atender" in the chat header of an unassigned conversation. */
export async function takeFromHeader(page) {
  const take = page.locator("header").getByTestId("take-conversation");
  await expectVisible(take, "Atender in the chat header");
  await shot(page, "62-lifecycle-header-atender");
  await take.click();
  await expectVisible(line(page, "Você assumiu a conversa."), "the take's line");
  await page.getByText("Conversa assumida").first().waitFor({ state: "visible", timeout: 10_000 });
  await take.first().waitFor({ state: "hidden", timeout: 10_000 }).catch(() => fail("Atender is still offered after taking"));
  log("took a conversation with Atender");
}

/** Resolve from the side panel: a line, a toast with Desfazer; undo brings it back open. */
export async function resolveAndUndo(page) {
  if (!(await page.getByTestId("resolve").isVisible().catch(() => false))) await page.getByTestId("details-toggle").click();
  await page.getByTestId("resolve").click();
  await expectVisible(line(page, "Você resolveu a conversa."), "the resolve's line");
  const undo = page.getByTestId("toast-action").filter({ hasText: "Desfazer" });
  await expectVisible(undo, "the undo toast");
  await expectVisible(page.getByTestId("reopen"), "the conversation shows as resolved");
  await shot(page, "63-lifecycle-resolved-undo-toast");
  await undo.click();
  await expectVisible(line(page, "Você desfez a resolução."), "the undo's line");
  await expectVisible(page.getByTestId("resolve"), "the conversation is open again");
  await shot(page, "64-lifecycle-undone");
  log("resolved (line + undo toast), then undone");
}
