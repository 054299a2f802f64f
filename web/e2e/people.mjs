// Issue 10, slice D (people): the invitation link offered when no e-mail went out, resending it,
// and "Esqueci a senha" with the e-mailed link. Called from run.mjs at the matching steps.

import { expectVisible, fail, log, shot } from "./lib.mjs";

/** The app's own address for a link the server built with its public URL. */
const onBase = (url, base) => url.replace(/^https?:\/\/[^/]+/, base);

/**
 * After "Enviar convite" on a server without SMTP: the dialog says nothing was sent and offers
 * the link; "Reenviar convite" gives a new one. Returns the newest link (on `base`).
 */
export async function invitationLinkJourney({ page, base, email }) {
  const dialog = page.getByRole("dialog", { name: "O e-mail não foi enviado" });
  await expectVisible(dialog, "the not-sent invitation dialog");
  if ((await page.getByText(`Convite enviado para ${email}.`).count()) !== 0) fail("'Convite enviado' shown although no mail was sent");
  const first = await dialog.getByLabel("Link do convite").inputValue();
  if (!/\/auth\/magic\?token=ml_/.test(first)) fail(`unexpected invitation link: ${first}`);
  await shot(page, "people-01-invite-link");
  await dialog.getByRole("button", { name: "Concluir" }).click();

  await page.getByRole("button", { name: "Reenviar convite" }).first().click();
  const again = page.getByRole("dialog", { name: "O e-mail não foi enviado" });
  await expectVisible(again, "the not-sent dialog after resending");
  const second = await again.getByLabel("Link do convite").inputValue();
  if (second === first) fail("resending kept the same link");
  await again.getByRole("button", { name: "Concluir" }).click();
  // The first link was revoked by the resend.
  const old = await fetch(`${base.replace(/\/$/, "")}/api/v1/auth/magic-link/verify`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: new URL(first).searchParams.get("token"), password: "whatever-long-enough" }),
  }).catch(() => null);
  if (old && old.status !== 401) fail(`the link replaced by the resend still answers ${old.status}`);
  log("invitation without SMTP: link offered, resent with a new one, the old one revoked");
  return onBase(second, base);
}

/** The newest password-reset link mailed to `email` (the log carries mails without SMTP). */
async function resetLink(server, email, after, base) {
  for (let i = 0; i < 100; i++) {
    const lines = server.output.slice(after).split("\n").filter((l) => l.includes(email) && l.includes("auth/reset"));
    const m = lines.length ? /(https?:\/\/[^\s"\\]+\/auth\/reset\?token=[A-Za-z0-9_\-.~%]+)/.exec(lines.at(-1)) : null;
    if (m) return onBase(m[1], base);
    await new Promise((r) => setTimeout(r, 200));
  }
  fail(`no password-reset link for ${email} in the server output`);
}

/** "Esqueci a senha" from the sign-in page, the e-mailed link, the new password, sign-in. */
export async function forgotPasswordJourney({ page, base, server, email, password }) {
  await page.goto(`${base}/login`);
  await page.getByRole("link", { name: "Esqueci a senha" }).click();
  await page.waitForURL("**/auth/forgot");
  await page.getByLabel("E-mail").fill(email);
  await shot(page, "people-02-forgot");
  const before = server.output.length;
  await page.getByRole("button", { name: "Enviar link" }).click();
  await expectVisible(page.getByRole("heading", { name: "Verifique o seu e-mail" }), "reset link sent");
  const link = await resetLink(server, email, before, base);

  await page.goto(link);
  await expectVisible(page.getByRole("heading", { name: "Escolha uma nova senha" }), "reset form");
  await page.getByLabel("Nova senha").fill(password);
  await page.getByLabel("Confirme a senha").fill(password);
  await page.getByRole("button", { name: "Mostrar senha" }).first().click();
  if ((await page.getByLabel("Nova senha").getAttribute("type")) !== "text") fail("the show-password toggle did not reveal the password");
  await shot(page, "people-03-reset");
  await page.getByRole("button", { name: "Salvar nova senha" }).click();
  await expectVisible(page.getByText("Sua senha foi alterada. Entre com a nova senha."), "password changed");

  // Single use: the same link now explains itself.
  await page.goto(link);
  await page.getByLabel("Nova senha").fill(password);
  await page.getByLabel("Confirme a senha").fill(password);
  await page.getByRole("button", { name: "Salvar nova senha" }).click();
  await expectVisible(page.getByRole("heading", { name: "Link inválido ou expirado" }), "used link refused");

  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Senha", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Entrar", exact: true }).click();
  await page.waitForURL("**/inbox");
  await page.getByRole("button", { name: "Sair" }).first().click();
  await page.waitForURL("**/login**");
  log("forgot password: link by e-mail, new password, single use, sign-in");
}

async function saveTenant(page) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "PATCH" && /\/api\/v1\/tenants\//.test(r.url())),
    page.getByRole("button", { name: "Salvar alterações" }).click(),
  ]);
  if (res.status() !== 200) fail(`saving the time zone answered ${res.status()}`);
}

/** Settings → Empresa: the searchable time-zone picker, Brazil first; the choice is saved. */
export async function timeZoneJourney({ page }) {
  const zone = page.getByRole("combobox", { name: "Fuso horário" });
  await zone.click();
  const list = page.getByRole("listbox", { name: "Fuso horário" });
  await expectVisible(list, "time-zone list");
  const first = (await list.getByRole("option").first().innerText()).trim();
  if (first !== "America / Sao Paulo") fail(`Brazil's zones do not come first: ${first}`);
  await zone.fill("manaus");
  await expectVisible(list.getByRole("option", { name: "America / Manaus" }), "search finds Manaus");
  await shot(page, "people-04-time-zone");
  await zone.press("Enter");
  await saveTenant(page);
  await page.reload();
  if ((await page.getByRole("combobox", { name: "Fuso horário" }).inputValue()) !== "America / Manaus") fail("the time zone did not persist");
  // Back to São Paulo so the rest of the journey reads times as before.
  await page.getByRole("combobox", { name: "Fuso horário" }).fill("sao paulo");
  await page.getByRole("combobox", { name: "Fuso horário" }).press("Enter");
  await saveTenant(page);
  log("time-zone picker: Brazil first, search, saved");
}

/** The contacts list (total, tags, last contact, conversations) and a contact's page. */
export async function contactsJourney({ page, name, tag }) {
  await expectVisible(page.getByText(/^\d+ contatos?$/), "contacts total");
  const row = page.getByRole("link", { name: new RegExp(name) });
  await expectVisible(row, "contact row");
  await expectVisible(row.getByText(tag), "tag on the row");
  await expectVisible(row.getByText("Nenhuma conversa", { exact: true }), "conversation count (none yet) on the row");
  await expectVisible(row.getByText("Sem conversas"), "last contact (never) on the row");
  await row.click();
  await page.waitForURL("**/contacts/*");
  await expectVisible(page.getByRole("heading", { name, level: 1 }), "contact page");
  await expectVisible(page.getByRole("heading", { name: "Conversas" }), "the contact's conversations");
  await expectVisible(page.getByRole("heading", { name: "Canais" }), "the contact's channels");
  await page.getByRole("button", { name: "Editar contato" }).click();
  await expectVisible(page.getByRole("dialog").getByLabel("Nome", { exact: true }), "edit dialog on the contact page");
  await page.getByRole("dialog").getByRole("button", { name: "Cancelar" }).click();
  await shot(page, "people-05-contact-page");
  await page.getByRole("link", { name: "Voltar para os contatos" }).click();
  await page.waitForURL("**/contacts");
  await shot(page, "people-06-contacts-list");
  log("contacts list with total, tags and counts; the contact page");
}
