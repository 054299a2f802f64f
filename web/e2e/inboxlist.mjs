// Issue 10, slice B (the conversation list, filters, quick-reply variables, phone and narrow
// layouts), run from inbox.mjs. `inboxListCounters` runs when the first customer (Ana) has just
// arrived in the queue; `inboxListJourney` runs after the widget round trip, with Ana (transferred
// to a team) and João in the inbox. Nothing here sends to the fake Graph API. Screenshots 40-….

import { expectVisible, fail, log, shot, signIn, until, watchErrors } from "./lib.mjs";

/** The chat column's label (`inbox.chatLabel`, pt-BR). */
const CHAT_LABEL = "Conversa aberta";

/** An empty *Mine* points to the queue, with the number waiting; the badges count conversations. */
export async function inboxListCounters(page) {
  await page.getByTestId("tab-mine").click();
  const empty = page.getByTestId("empty-queue");
  await expectVisible(empty, "an empty Mine pointing to the queue");
  const text = await empty.textContent();
  if (!/\d+ conversas? esperando na fila/.test(text ?? "")) fail(`the empty Mine does not count the queue: ${text}`);
  if (/convide/i.test(text ?? "")) fail("the empty Mine invites the team while conversations wait");
  const badge = (await page.getByTestId("tab-count-unassigned").getAttribute("title"))?.match(/\d+/)?.[0];
  if (!badge || !text?.includes(`${badge} conversa`)) fail(`the queue badge (${badge}) and the empty Mine (${text}) disagree`);
  await shot(page, "40-mine-empty-points-to-queue");
  await page.getByTestId("empty-see-queue").click();
  await expectVisible(page.getByTestId("conversation-row").filter({ hasText: "Ana Beatriz" }), "the queue after 'Ver fila'");
  log(`an empty Mine points to the queue (${badge} waiting); the badges count conversations`);
}

export async function inboxListJourney({ browser, page, base, adminPassword, errors }) {
  const rows = page.getByTestId("conversation-row");

  // Create a tag from the conversation's tag picker and put it on Ana's conversation.
  await page.getByTestId("tab-all").click();
  await rows.filter({ hasText: "Ana Beatriz" }).first().click();
  if (!(await page.getByTestId("details-panel").isVisible())) await page.getByTestId("details-toggle").click();
  await page.getByRole("button", { name: "Alterar Etiquetas da conversa" }).click();
  await page.getByTestId("tag-find").fill("Pix pendente");
  await page.getByTestId("tag-create").click();
  await expectVisible(page.getByTestId("details-panel").getByText("Pix pendente"), "the new tag on the conversation");
  await shot(page, "41-tag-created-from-picker");
  await page.keyboard.press("Escape");
  log("created a tag from the tag picker");

  // Filter the list by that tag: Ana only.
  await page.getByRole("button", { name: /^Filtros/ }).click();
  await page.getByTestId("filter-tag").selectOption({ label: "Pix pendente" });
  await expectVisible(page.getByTestId("filter-assignee"), "the agent filter on All");
  await page.keyboard.press("Escape");
  await expectVisible(rows.filter({ hasText: "Ana Beatriz" }), "Ana under the tag filter");
  // The list refetches under the new filter: wait for João to leave rather than read it at once.
  await until(async () => (await rows.filter({ hasText: "João Pereira" }).count()) === 0, "the tag filter to hide João");
  await shot(page, "42-filter-by-tag");
  await page.getByRole("button", { name: /^Filtros/ }).click();
  await page.getByRole("button", { name: "Limpar filtros" }).click();
  await page.keyboard.press("Escape");
  log("filtered the list by tag");

  // Resolve João's conversation: it leaves the working tabs and shows under Resolvidas.
  await rows.filter({ hasText: "João Pereira" }).first().click();
  if (!(await page.getByTestId("details-panel").isVisible())) await page.getByTestId("details-toggle").click();
  await page.getByTestId("resolve").click();
  await page.getByTestId("tab-resolved").click();
  // The previous tab's rows stay (dimmed) until the resolved ones arrive.
  await rows.filter({ hasText: "Ana Beatriz" }).first().waitFor({ state: "detached", timeout: 10_000 }).catch(() => fail("Resolvidas lists a working conversation"));
  await expectVisible(rows.filter({ hasText: "João Pereira" }), "João under Resolvidas");
  await shot(page, "43-resolved-tab");
  await page.getByTestId("tab-all").click();
  log("a resolved conversation is found under Resolvidas");

  // A quick reply with variables: the form's hint and preview, then filled in the composer.
  await page.goto(`${base}/settings/quick-replies`);
  await page.getByRole("button", { name: "Nova resposta" }).first().click();
  const form = page.getByRole("dialog");
  await form.getByLabel("Atalho").fill("/boasvindas");
  await form.getByLabel("Título").fill("Boas-vindas");
  await form.getByTestId("qr-content").fill("Olá, ");
  await form.getByRole("button", { name: "{{contact.first_name}}" }).click();
  await form.getByTestId("qr-content").press("End");
  await form.getByTestId("qr-content").pressSequentially("! Aqui é {{agent.first_name}}, da {{tenant.name}}. {{pedido}}");
  await expectVisible(form.getByTestId("qr-preview").getByText("Olá, Ana! Aqui é"), "the preview with sample values");
  await expectVisible(form.getByTestId("qr-unknown"), "the unknown variable named in the form");
  await shot(page, "44-quick-reply-variables-form");
  await form.getByRole("button", { name: "Salvar" }).click();
  await expectVisible(page.getByText("/boasvindas"), "the saved quick reply");
  await page.goto(`${base}/inbox`);
  await page.getByTestId("tab-all").click();
  await rows.filter({ hasText: "Ana Beatriz" }).first().click();
  const input = page.getByTestId("composer-input");
  await input.fill("/boas");
  await page.getByRole("option").filter({ hasText: "/boasvindas" }).first().click();
  const filled = await input.inputValue();
  if (!filled.startsWith("Olá, Ana! Aqui é ")) fail(`the quick reply was not filled in: ${filled}`);
  if (filled.includes("{{contact.") || filled.includes("{{agent.") || filled.includes("{{tenant.")) fail(`known variables left: ${filled}`);
  await expectVisible(page.getByTestId("composer-placeholders").getByText("{{pedido}}"), "the warning about {{pedido}}");
  await shot(page, "45-quick-reply-filled");
  await input.fill("");
  log(`a quick reply filled in the composer: "${filled}"`);

  // 1366 px with the side panel open: the panel covers the chat, which keeps its width; Escape closes it.
  const wide = await browser.newContext({ locale: "pt-BR", viewport: { width: 1366, height: 768 } });
  const w = await wide.newPage();
  watchErrors(w, errors, "1366");
  await signIn(w, base, "admin@demo.atende.local", adminPassword);
  await w.waitForURL("**/inbox");
  await w.getByTestId("tab-all").click();
  await w.getByTestId("conversation-row").filter({ hasText: "Ana Beatriz" }).first().click();
  await expectVisible(w.getByTestId("composer-input"), "the chat at 1366 px");
  if (!(await w.getByTestId("details-panel").isVisible())) await w.getByTestId("details-toggle").click();
  await expectVisible(w.getByTestId("details-panel"), "the side panel at 1366 px");
  const width = await w.locator(`section[aria-label="${CHAT_LABEL}"]`).evaluate((el) => el.getBoundingClientRect().width);
  if (width < 600) fail(`the chat column shrank to ${width}px at 1366 px with the panel open`);
  await shot(w, "46-panel-overlay-1366");
  await w.keyboard.press("Escape");
  await w.getByTestId("details-panel").waitFor({ state: "hidden", timeout: 5000 }).catch(() => fail("Escape did not close the panel at 1366 px"));
  await wide.close();
  log(`at 1366 px the chat keeps ${Math.round(width)}px with the panel over it; Escape closes it`);

  // 375 px: no bottom tabs inside a chat, the whole phone number, sign-out behind a confirmation.
  const phone = await browser.newContext({ locale: "pt-BR", viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const m = await phone.newPage();
  watchErrors(m, errors, "phone-b");
  await signIn(m, base, "admin@demo.atende.local", adminPassword);
  await m.waitForURL("**/inbox");
  const tabs = m.getByRole("navigation", { name: "Navegação principal" });
  await expectVisible(tabs, "the bottom tabs on the list");
  await m.getByTestId("tab-all").click();
  await m.getByTestId("conversation-row").filter({ hasText: "Ana Beatriz" }).first().click();
  await expectVisible(m.getByTestId("composer-input"), "the chat on a phone");
  if (await tabs.isVisible()) fail("the bottom tab bar shows inside a chat at 375 px");
  const phoneEl = m.getByTestId("chat-phone");
  await expectVisible(phoneEl, "the phone number in the chat header");
  // Ana waits in her team's queue: "Atender" (an icon here), and the whole number beside it.
  const header = m.locator(`section[aria-label="${CHAT_LABEL}"] header`);
  await expectVisible(header.getByRole("button", { name: "Atender" }), "Atender in the chat header at 375 px");
  const fit = await header.evaluate((h) => {
    const el = h.querySelector('[data-testid="chat-phone"]');
    const r = el.getBoundingClientRect();
    const right = h.getBoundingClientRect().right - parseFloat(getComputedStyle(h).paddingRight);
    // The buttons after the contact's text: Atender, the details toggle (the badge is hidden here).
    const buttons = [...h.querySelectorAll("button")].map((b) => b.getBoundingClientRect()).filter((b) => b.width > 0 && b.left >= r.left);
    const limit = Math.min(right, window.innerWidth, ...buttons.map((b) => b.left));
    return { scroll: el.scrollWidth, client: el.clientWidth, right: r.right, limit, text: el.textContent };
  });
  if (fit.scroll > fit.client) fail(`the phone number is cut in the chat header at 375 px (${fit.scroll} > ${fit.client})`);
  if (fit.right > fit.limit) fail(`the phone number runs under the header's buttons at 375 px (its right edge ${fit.right} > ${fit.limit})`);
  if (!/97654-?3210$/.test(fit.text?.replace(/\s/g, "") ?? "")) fail(`the chat header shows a partial number: ${fit.text}`);
  await shot(m, "47-chat-375-no-tabs");
  await shot(m, "49-chat-375-atender-whole-number");
  await m.getByTestId("chat-back").click();
  await m.getByTestId("account-menu").click();
  await m.getByTestId("account-sign-out").click();
  await expectVisible(m.getByRole("alertdialog"), "the sign-out confirmation");
  await shot(m, "48-sign-out-confirm-375");
  await m.getByRole("button", { name: "Cancelar" }).click();
  if (m.url().includes("/login")) fail("cancelling the confirmation signed out");
  await phone.close();
  log("375 px: no tab bar in a chat, the whole phone number beside Atender, sign-out confirmed from the account menu");
}
