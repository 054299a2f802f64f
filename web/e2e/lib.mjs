// Helpers shared by the end-to-end journeys (run.mjs starts everything; inbox.mjs is the inbox's part).

import path from "node:path";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const shots = path.join(webRoot, "e2e", "screenshots");

export const started = Date.now();
export const log = (msg) => console.log(`e2e [${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

export function fail(msg) {
  throw new Error(msg);
}


export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

export async function expectVisible(locator, what, timeout = 10_000) {
  try {
    await locator.first().waitFor({ state: "visible", timeout });
  } catch {
    fail(`not visible: ${what}`);
  }
}

export async function signIn(page, base, email, password) {
  await page.goto(`${base}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Senha", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Entrar", exact: true }).click();
}

export async function signOut(page) {
  await page.getByRole("button", { name: "Sair" }).first().click();
  await page.waitForURL("**/login**");
}

export function watchErrors(page, errors, label) {
  page.on("pageerror", (e) => errors.push(`${label}: ${e.message}`));
  page.on("console", (m) => {
    // A 4xx the test provokes is logged by Chromium as a failed resource; CSP violations are not OK.
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) errors.push(`${label}: ${m.text()}`);
  });
}

/** Polls `fn` until it returns a truthy value (or fails with `what`). */
export async function until(fn, what, timeout = 15_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
