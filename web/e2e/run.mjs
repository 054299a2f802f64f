// End-to-end test of the web app in a real Chromium (Debian's, driven by playwright-core) against
// a real `atende serve` on a temporary SQLite database.
//
//   npm run e2e                  (in web/; scripts/test runs it after the Rust build)
//
// Environment:
//   ATENDE_BIN      the atende binary (default: ../target/debug/atende, built by cargo)
//   CHROMIUM_PATH   the browser (default: /usr/bin/chromium; installed with apt-get when absent)
//   E2E_KEEP=1      keep the temporary directory (database and server log)
//   E2E_PREVIEW=1   load the app from `vite preview` (proxying /api to the server) instead of from
//                   the binary: for checking the app against a binary that does not serve it
//
// Screenshots of the main screens go to web/e2e/screenshots/ (git-ignored).
//
// What it checks: sign-in as the printed demo admin; invite a member and change their role;
// rename the tenant; departments, teams and members, an API key, the audit filters; tags, quick
// replies, a contact found by its phone; a web-chat channel and a WhatsApp one against a fake Graph
// API (refused credentials, then a webhook URL and verify token that pass Meta's handshake); the invitee
// accepts the e-mailed link on a 375 px phone; sign-in with an e-mailed link; an expired access
// token is refreshed without losing the page; two-step verification enrolment with the QR code
// and a sign-in with the code; a super admin creates a tenant (the demo admin then switches
// between two tenants) and suspends another (its admin sees the suspended message); the lockout
// message after repeated wrong passwords; the language follows the profile; the binary serves the
// API docs, the PWA manifest and icons, and the assets under its Content-Security-Policy (a CSP
// violation in the browser fails the test).

import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

import { expectVisible, fail, freePort, log, shot, shots, signIn, signOut, until, watchErrors, webRoot } from "./lib.mjs";
import { channelsJourney } from "./channels.mjs";
import { flowsJourney } from "./flows.mjs";
import { inboxJourney } from "./inbox.mjs";
import { contactsJourney, forgotPasswordJourney, invitationLinkJourney, timeZoneJourney } from "./people.mjs";

const repoRoot = path.resolve(webRoot, "..");
const BIN = path.resolve(process.env.ATENDE_BIN || path.join(repoRoot, "target", "debug", "atende"));
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const SUPER = { email: "root@atende.local", password: "super-secret-123" };
const NEW_PASSWORD = "maria-senha-forte-1";

// --- environment ---------------------------------------------------------------------------------

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.env.CHROMIUM_PATH) fail(`CHROMIUM_PATH=${CHROMIUM} does not exist`);
  log("chromium missing: apt-get update && apt-get install -y chromium");
  const sh = (cmd) => spawnSync("sh", ["-c", cmd], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (sh("apt-get update").status !== 0 || sh("apt-get install -y chromium").status !== 0 || !existsSync(CHROMIUM)) {
    fail("could not install chromium (needs root and the Debian mirrors); set CHROMIUM_PATH");
  }
}

function ensureBuild() {
  if (existsSync(path.join(webRoot, "dist", "index.html"))) return;
  log("web/dist missing: npm run build");
  if (spawnSync("npm", ["run", "build"], { cwd: webRoot, stdio: "inherit" }).status !== 0) fail("npm run build failed");
}


/** Base32 (RFC 4648) → bytes, and the RFC 6238 code for a time step. */
function totp(secret, step = Math.floor(Date.now() / 1000 / 30)) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) fail(`bad base32 character in the TOTP secret: ${c}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", key).update(msg).digest();
  const o = h[h.length - 1] & 0xf;
  const n = (h.readUInt32BE(o) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, "0");
}

// --- a fake Graph API (the WhatsApp channel's credential check) -------------------------------------

/**
 * A fake Graph API speaking the documented formats (../shared/fixtures/channels/whatsapp/outbound):
 * `GET /{phone-number-id}` (the credential check), `POST /{phone-number-id}/messages` (answers a
 * new `wamid` and keeps the body in `sent`) and `GET /{waba-id}/message_templates` (the fixture's
 * templates, one page), `GET /{media-id}` and its download for the Pix receipt of
 * inbound/document.json (404 until `media.available`). Only the token "good-token" is accepted
 * (else 401 with code 190).
 */
async function startFakeGraph() {
  const seen = [];
  const sent = [];
  // The Pix receipt of inbound/document.json: gone at first, there after "Tentar novamente".
  const media = { id: "1413728596047182", available: false };
  const templates = JSON.parse(readFileSync(path.join(repoRoot, "..", "shared", "fixtures", "channels", "whatsapp", "outbound", "templates-list.json"), "utf8"));
  const server = createHttpServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const url = new URL(req.url, "http://graph.local");
      seen.push(`${req.method} ${url.pathname}`);
      const ok = req.headers.authorization === "Bearer good-token";
      res.setHeader("Content-Type", "application/json");
      const parts = url.pathname.split("/").filter(Boolean);
      if (!ok) {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190, fbtrace_id: "e2e" } }));
      } else if (req.method === "POST" && parts.at(-1) === "messages") {
        const body = JSON.parse(raw || "{}");
        if (body.status === "read") {
          res.end(JSON.stringify({ success: true }));
          return;
        }
        sent.push(body);
        res.end(JSON.stringify({ messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.e2e-${sent.length}` }] }));
      } else if (req.method === "GET" && parts.at(-1) === media.id) {
        if (!media.available) {
          res.statusCode = 404;
          res.end(JSON.stringify({ error: { message: `Unsupported get request. Object with ID '${media.id}' does not exist`, type: "GraphMethodException", code: 100, fbtrace_id: "e2e" } }));
        } else {
          res.end(JSON.stringify({ messaging_product: "whatsapp", url: `http://127.0.0.1:${port}/lookaside/receipt`, mime_type: "application/pdf", id: media.id }));
        }
      } else if (req.method === "GET" && url.pathname === "/lookaside/receipt") {
        res.setHeader("Content-Type", "application/pdf");
        res.end("%PDF-1.4 comprovante e2e");
      } else if (req.method === "GET" && parts.at(-1) === "message_templates") {
        res.end(JSON.stringify({ data: templates.response.body.data }));
      } else if (req.method === "GET") {
        res.end(JSON.stringify({ id: parts.at(-1), display_phone_number: "+55 11 4000-0000", verified_name: "Loja Exemplo", quality_rating: "GREEN" }));
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: { message: "Unsupported request", type: "GraphMethodException", code: 100, fbtrace_id: "e2e" } }));
      }
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}/v23.0`, seen, sent, media, close: () => new Promise((r) => server.close(r)) };
}

// --- the server ------------------------------------------------------------------------------------

class Server {
  constructor(dir, port, graphUrl) {
    this.dir = dir;
    this.port = port;
    this.base = `http://127.0.0.1:${port}`;
    this.output = "";
    this.env = {
      ...process.env,
      ATENDE_DATABASE_URL: `sqlite://${path.join(dir, "atende.db")}?mode=rwc`,
      ATENDE_LISTEN: `127.0.0.1:${port}`,
      ATENDE_DATA_DIR: dir,
      ATENDE_LOG_FORMAT: "json",
      ATENDE_WHATSAPP_GRAPH_URL: graphUrl,
      NO_COLOR: "1",
    };
    // Mail goes to the log (where the test reads the links) when no SMTP server is configured.
    for (const k of ["ATENDE_CONFIG", "ATENDE_SMTP_URL", "ATENDE_PUBLIC_URL", "ATENDE_SECRET_KEY", "ATENDE_DEMO"]) delete this.env[k];
  }

  cli(...args) {
    const r = spawnSync(BIN, args, { env: this.env, encoding: "utf8" });
    if (r.status !== 0) fail(`atende ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
    return r.stdout + r.stderr;
  }

  async start() {
    this.proc = spawn(BIN, ["serve"], { env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    const take = (d) => (this.output += d.toString());
    this.proc.stdout.on("data", take);
    this.proc.stderr.on("data", take);
    this.exited = new Promise((r) => this.proc.once("exit", r));
    for (let i = 0; i < 150; i++) {
      if (this.proc.exitCode !== null) fail(`atende serve exited (${this.proc.exitCode}):\n${this.output}`);
      try {
        const res = await fetch(`${this.base}/readyz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    fail(`atende serve did not become ready:\n${this.output}`);
  }

  demoPassword() {
    const m = /password:\s+(\S+)/.exec(this.output);
    if (!m) fail(`no demo password in the server output:\n${this.output}`);
    return m[1];
  }

  /** The newest e-mailed sign-in link for `email` (the log carries mails when SMTP is unset). */
  async link(email, after = 0, appBase = this.base) {
    for (let i = 0; i < 100; i++) {
      const lines = this.output.slice(after).split("\n").filter((l) => l.includes(email) || l.includes("auth/magic"));
      for (const line of lines.reverse()) {
        const m = /(https?:\/\/[^\s"\\]+\/auth\/magic\?token=[A-Za-z0-9_\-.~%]+)/.exec(line);
        if (m && line.includes(email)) return m[1].replace(/^https?:\/\/[^/]+/, appBase);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    fail(`no sign-in link for ${email} in the server output:\n${this.output.slice(after)}`);
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill("SIGTERM");
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}

// --- helpers on pages ------------------------------------------------------------------------------

/** `vite preview` of web/dist with /api proxied to `apiBase`; resolves to its URL and process. */
async function startPreview(apiBase) {
  const port = await freePort();
  const proc = spawn(path.join(webRoot, "node_modules", ".bin", "vite"), ["preview", "--port", String(port), "--strictPort"], {
    cwd: webRoot,
    env: { ...process.env, ATENDE_DEV_API: apiBase },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/login`)).ok) return { url, proc };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill();
  fail("vite preview did not start");
}

// --- the test ----------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(BIN)) fail(`no atende binary at ${BIN}: run cargo build (or set ATENDE_BIN)`);
  ensureChromium();
  ensureBuild();
  mkdirSync(shots, { recursive: true });

  const dir = mkdtempSync(path.join(tmpdir(), "atende-e2e-"));
  const graph = await startFakeGraph();
  const server = new Server(dir, await freePort(), graph.url);
  let browser;
  let preview;
  try {
    // The demo tenant is created on the first start of an empty database, so the super admin
    // comes after (the CLI and the server share the SQLite file).
    await server.start();
    server.cli("superadmin", "create", "--email", SUPER.email, "--password", SUPER.password);
    if (process.env.E2E_PREVIEW === "1") preview = await startPreview(server.base);
    const base = preview ? preview.url : server.base;
    const index = await (await fetch(`${base}/settings/users`)).text();
    if (!index.includes('id="root"')) {
      fail(
        `atende serve does not serve the web app at ${base}/settings/users (no index.html fallback): ` +
          "the router's own 404 fallback must not replace the assets' fallback (atende-http), and a debug " +
          "binary compiled while web/dist was missing serves nothing (rebuild it after `npm run build`).",
      );
    }
    if (!preview) {
      // The API docs viewer survives the app build, the PWA files are served, assets are cacheable.
      const docs = await fetch(`${base}/api/docs`);
      if (!docs.ok || !(await docs.text()).includes("swagger-ui")) fail("/api/docs is not served");
      const manifest = await fetch(`${base}/manifest.webmanifest`);
      if (!manifest.ok || (await manifest.json()).start_url !== "/inbox") fail("/manifest.webmanifest is not served");
      if (!(await fetch(`${base}/icons/icon-192.png`)).ok) fail("the PWA icon is not served");
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
      const asset = script ? await fetch(`${base}${script}`) : null;
      if (!asset?.ok) fail(`${script} is not served`);
      if (!asset.headers.get("content-security-policy")) fail("assets are served without the Content-Security-Policy");
      // Hashed file names: they should be cached for good. A warning, not a failure (speed only).
      if (!asset.headers.get("cache-control")?.includes("immutable")) {
        log(`WARNING: ${script} is served with "cache-control: ${asset.headers.get("cache-control")}", not immutable`);
      }
    }
    const adminPassword = server.demoPassword();
    log(`server on ${base}`);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    const errors = [];
    const desktop = await browser.newContext({ locale: "pt-BR", viewport: { width: 1280, height: 800 } });
    const page = await desktop.newPage();
    watchErrors(page, errors, "admin");

    // 1. Sign in as the demo admin.
    await page.goto(`${base}/`);
    await page.waitForURL("**/login**");
    await expectVisible(page.getByRole("heading", { name: "Entrar" }), "sign-in heading");
    await shot(page, "01-login");
    await signIn(page, base, "admin@demo.atende.local", adminPassword);
    await page.waitForURL("**/inbox");
    await expectVisible(page.getByText("Nenhuma conversa por aqui"), "empty inbox");
    await shot(page, "02-inbox");
    log("signed in as the demo admin");

    // 2. Invite a member, then change their role.
    await page.getByRole("link", { name: "Configurações" }).first().click();
    await page.getByRole("link", { name: /^Pessoas/ }).first().click();
    await page.waitForURL("**/settings/users");
    const outputBeforeInvite = server.output.length;
    await page.getByRole("button", { name: "Convidar pessoa" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("E-mail").fill("maria@example.com");
    await dialog.getByLabel("Nome (opcional)").fill("Maria");
    await dialog.getByLabel("Papel").selectOption("agent");
    await dialog.getByRole("button", { name: "Enviar convite" }).click();
    // No SMTP here: the admin is told so and given the link (e2e/people.mjs).
    const inviteLink = await invitationLinkJourney({ page, base, email: "maria@example.com" });
    await expectVisible(page.getByText("Convidada"), "invited badge");
    await page.getByLabel("Papel de Maria").selectOption("supervisor");
    await expectVisible(page.getByText("Papel de Maria alterado."), "role changed toast");
    await shot(page, "03-people");
    log("invited maria@example.com and made her a supervisor");

    // 3. Rename the tenant; the name shows in the sidebar and survives a reload.
    await page.getByRole("link", { name: /^Empresa/ }).first().click();
    await page.waitForURL("**/settings/tenant");
    const nameInput = page.getByLabel("Nome da empresa");
    await nameInput.fill("Loja Exemplo");
    await page.getByRole("button", { name: "Salvar alterações" }).click();
    await expectVisible(page.getByText("Alterações salvas."), "saved toast");
    await expectVisible(page.locator("aside").getByText("Loja Exemplo"), "new name in the sidebar");
    await page.reload();
    if ((await page.getByLabel("Nome da empresa").inputValue()) !== "Loja Exemplo") fail("the tenant name did not persist");
    await shot(page, "04-tenant");
    await timeZoneJourney({ page });
    log("renamed the tenant");

    // 4. The invitee accepts the e-mailed link on a phone.
    const link = inviteLink;
    if (link !== (await server.link("maria@example.com", outputBeforeInvite, base))) fail("the offered link is not the newest one sent");
    const phone = await browser.newContext({ locale: "pt-BR", viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    const mpage = await phone.newPage();
    watchErrors(mpage, errors, "invitee");
    await mpage.goto(link);
    await expectVisible(mpage.getByRole("heading", { name: "Aceitar o convite" }), "invitation form");
    await mpage.getByLabel("Seu nome").fill("Maria Souza");
    await mpage.getByLabel("Nova senha").fill(NEW_PASSWORD);
    await mpage.getByLabel("Confirme a senha").fill(NEW_PASSWORD);
    await shot(mpage, "05-accept-invite-375");
    await mpage.getByRole("button", { name: "Definir senha e entrar" }).click();
    await mpage.waitForURL("**/inbox");
    await expectVisible(mpage.getByRole("navigation", { name: "Navegação principal" }).getByText("Conversas"), "bottom tabs");
    await shot(mpage, "06-inbox-375");
    // One pane with back navigation: a settings section links back to the list.
    await mpage.getByRole("link", { name: "Ajustes" }).click();
    await mpage.getByRole("link", { name: /^Equipes/ }).click();
    await expectVisible(mpage.getByRole("link", { name: "Configurações" }), "back link");
    await shot(mpage, "07-settings-teams-375");
    // No page scrolls sideways on a 375 px phone.
    for (const route of ["/inbox", "/contacts", "/settings", "/settings/channels", "/settings/users", "/settings/teams", "/settings/departments", "/settings/quick-replies", "/settings/tags", "/settings/tenant", "/profile"]) {
      await mpage.goto(`${base}${route}`);
      await mpage.locator("main h1").first().waitFor({ state: "visible", timeout: 10_000 });
      await mpage.waitForLoadState("networkidle");
      const overflow = await mpage.evaluate(() => {
        const main = document.getElementById("main");
        return Math.max(document.documentElement.scrollWidth - window.innerWidth, main ? main.scrollWidth - main.clientWidth : 0);
      });
      if (overflow > 0) {
        await shot(mpage, `overflow${route.replaceAll("/", "-")}`);
        fail(`${route} scrolls sideways by ${overflow}px at 375 px`);
      }
    }
    await phone.close();
    log("maria accepted the invitation on a 375 px phone");

    // 5. An expired access token is refreshed and the page loads without a sign-in.
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem("atende.session"));
      s.accessToken = "expired.token.value";
      localStorage.setItem("atende.session", JSON.stringify(s));
    });
    const refreshed = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/refresh") && r.status() === 200);
    await page.goto(`${base}/settings/users`);
    await refreshed;
    await expectVisible(page.getByText("Maria Souza"), "member list after refresh");
    if (page.url().includes("/login")) fail("the refresh sent the user to the sign-in page");
    log("an expired access token was refreshed in place");

    // 5b. Departments, teams and their members; an API key; the audit log's filters.
    await page.getByRole("link", { name: /^Departamentos/ }).first().click();
    await page.getByRole("button", { name: "Novo departamento" }).click();
    await page.getByRole("dialog").getByLabel("Nome", { exact: true }).fill("Comercial");
    await page.getByRole("dialog").getByRole("button", { name: "Salvar" }).click();
    await expectVisible(page.getByRole("main").getByText("Comercial"), "department in the list");
    await page.getByRole("link", { name: /^Equipes/ }).first().click();
    await page.getByRole("button", { name: "Nova equipe" }).click();
    const teamDialog = page.getByRole("dialog");
    await teamDialog.getByLabel("Nome", { exact: true }).fill("Vendas");
    await teamDialog.getByLabel("Departamento").selectOption({ label: "Comercial" });
    await teamDialog.getByRole("button", { name: "Salvar" }).click();
    await expectVisible(page.getByRole("button", { name: "Nenhum membro" }), "new team");
    await page.getByRole("button", { name: "Nenhum membro" }).click();
    const membersDialog = page.getByRole("dialog");
    await membersDialog.getByLabel("Escolha uma pessoa").selectOption({ label: "Maria Souza · maria@example.com" });
    await membersDialog.getByRole("button", { name: "Adicionar" }).click();
    await expectVisible(membersDialog.getByRole("button", { name: "Remover Maria Souza da equipe" }), "team member");
    await page.keyboard.press("Escape");
    await expectVisible(page.getByRole("button", { name: "1 membro" }), "member count");
    await shot(page, "07b-teams");
    await page.getByRole("link", { name: /^Chaves de API/ }).first().click();
    await page.getByRole("button", { name: "Nova chave" }).first().click();
    await page.getByRole("dialog").getByLabel("Nome", { exact: true }).fill("ERP");
    await page.getByRole("dialog").getByRole("button", { name: "Nova chave" }).click();
    const secret0 = await page.getByLabel("Chave secreta").inputValue();
    if (!secret0.startsWith("atk_")) fail(`unexpected API key secret: ${secret0.slice(0, 6)}…`);
    await page.getByRole("button", { name: "Concluir" }).click();
    await page.getByRole("button", { name: "Revogar" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revogar" }).click();
    await expectVisible(page.getByText("Chave revogada."), "key revoked");
    await page.getByRole("link", { name: /^Registro de auditoria/ }).first().click();
    await page.getByLabel("Ação", { exact: true }).fill("members.*");
    await page.getByRole("button", { name: "Aplicar filtros" }).click();
    await expectVisible(page.getByText("Convidou pessoa").first(), "filtered audit entry, translated");
    if ((await page.getByTitle("members.invite").count()) === 0) fail("the raw action code is not kept as a tooltip");
    await until(async () => (await page.getByText("Criou equipe").count()) === 0, "the audit filter to hide other actions");
    await shot(page, "07c-audit");
    log("departments, teams, members, an API key and the audit log");

    // 5c. Tags, quick replies, a contact with a tag found by its phone, a web-chat channel.
    await page.getByRole("link", { name: /^Etiquetas/ }).first().click();
    await page.getByRole("button", { name: "Nova etiqueta" }).first().click();
    await page.getByRole("dialog").getByLabel("Nome", { exact: true }).fill("VIP");
    await page.getByRole("dialog").getByRole("button", { name: "Salvar" }).click();
    await expectVisible(page.getByRole("main").getByText("VIP"), "tag in the list");
    await page.getByRole("link", { name: /^Respostas rápidas/ }).first().click();
    await page.getByRole("button", { name: "Nova resposta" }).first().click();
    const qr = page.getByRole("dialog");
    await qr.getByLabel("Atalho").fill("Saudação");
    await qr.getByLabel("Título").fill("Boas-vindas");
    await qr.getByLabel("Texto").fill("Olá! Como podemos ajudar?");
    await qr.getByRole("button", { name: "Salvar" }).click();
    await expectVisible(page.getByText("/saudação"), "quick reply shortcut");
    await page.getByRole("link", { name: "Contatos" }).first().click();
    await page.waitForURL("**/contacts");
    await page.getByRole("button", { name: "Novo contato" }).first().click();
    const cd = page.getByRole("dialog");
    await cd.getByLabel("Nome", { exact: true }).fill("João da Silva");
    await cd.getByLabel("Telefone").fill("(11) 98765-4321");
    await cd.getByRole("checkbox", { name: "VIP" }).check();
    await cd.getByRole("button", { name: "Salvar" }).click();
    await expectVisible(page.getByRole("link", { name: /João da Silva/ }), "new contact");
    await page.getByLabel("Buscar").fill("98765");
    await expectVisible(page.getByRole("link", { name: /João da Silva/ }), "contact found by phone digits");
    await page.getByLabel("Buscar").fill("ninguem-com-esse-nome");
    await expectVisible(page.getByText("Nada encontrado."), "no search results");
    await page.getByLabel("Buscar").fill("");
    await shot(page, "07d-contacts");
    await contactsJourney({ page, name: "João da Silva", tag: "VIP" });
    await page.getByRole("link", { name: "Configurações" }).first().click();
    await page.getByRole("link", { name: /^Canais/ }).first().click();
    await page.getByRole("button", { name: "Chat do site" }).first().click();
    await page.getByRole("dialog").getByRole("button", { name: "Conectar" }).click();
    const snippet = await page.getByLabel("Código para o site").inputValue();
    if (!snippet.includes("<script") || !snippet.includes("data-atende-token")) fail(`unexpected web-chat snippet: ${snippet}`);
    await shot(page, "07e-webchat-snippet");
    await page.getByRole("button", { name: "Concluir" }).click();
    await expectVisible(page.getByRole("button", { name: "Código do site" }), "channel in the list");
    // Its settings: a greeting, the pre-chat form and the default team are kept.
    await page.getByRole("button", { name: "Editar Chat do site" }).click();
    const ed = page.getByRole("dialog");
    await ed.getByLabel("Mensagem de boas-vindas (opcional)").fill("Olá! Em que podemos ajudar?");
    await ed.getByLabel("Equipe que recebe as conversas").selectOption({ label: "Vendas" });
    await ed.getByLabel("Reabrir conversas resolvidas (horas)").fill("1000");
    await ed.getByRole("checkbox", { name: /Pedir nome/ }).check();
    await ed.getByRole("button", { name: "Salvar" }).click();
    await expectVisible(ed.getByText("Use um valor entre 0 e 720."), "out-of-range reopen window");
    await ed.getByLabel("Reabrir conversas resolvidas (horas)").fill("48");
    await ed.getByRole("button", { name: "Salvar" }).click();
    await expectVisible(page.getByText("Alterações salvas.").last(), "channel saved");
    await page.getByRole("button", { name: "Editar Chat do site" }).click();
    if ((await page.getByRole("dialog").getByLabel("Mensagem de boas-vindas (opcional)").inputValue()) !== "Olá! Em que podemos ajudar?") fail("the greeting was not kept");
    if (!(await page.getByRole("dialog").getByRole("checkbox", { name: /Pedir nome/ }).isChecked())) fail("the pre-chat form was not kept");
    await page.getByRole("dialog").getByRole("button", { name: "Cancelar" }).click();
    // WhatsApp: wrong credentials are refused with the provider's reason; good ones give the
    // webhook URL and a verify token that pass Meta's subscription check.
    await page.getByRole("button", { name: "Conectar WhatsApp" }).first().click();
    const wa = page.getByRole("dialog");
    await wa.getByLabel("ID do número de telefone").fill("109876543210");
    await wa.getByLabel("ID da conta do WhatsApp Business").fill("555000111");
    await wa.getByLabel("Token de acesso").fill("bad-token");
    await wa.getByLabel("Chave secreta do app").fill("app-secret-e2e");
    await wa.getByRole("button", { name: "Conectar" }).click();
    await expectVisible(wa.getByRole("alert").filter({ hasText: "O WhatsApp recusou estas credenciais: Invalid OAuth access token." }), "refused credentials");
    await wa.getByLabel("Token de acesso").fill("good-token");
    await wa.getByRole("button", { name: "Conectar" }).click();
    const webhookUrl = await page.getByLabel("URL de callback").inputValue();
    const verifyToken = await page.getByLabel("Token de verificação").inputValue();
    await shot(page, "07f-whatsapp-webhook");
    const hook = new URL(webhookUrl);
    const check = `${server.base}${hook.pathname}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=e2e-challenge`;
    const handshake = await fetch(check);
    if (!handshake.ok || (await handshake.text()).trim() !== "e2e-challenge") fail(`Meta's handshake fails with the shown verify token (${handshake.status})`);
    await page.getByRole("button", { name: "Concluir" }).click();
    await expectVisible(page.getByRole("button", { name: "Dados para a Meta" }), "WhatsApp channel in the list");
    if (!graph.seen.some((r) => r.startsWith("GET /v23.0/109876543210"))) fail(`the fake Graph API saw no credential check: ${graph.seen.join(", ")}`);
    log("tags, quick replies, contacts, a web-chat and a WhatsApp channel");

    // 5c. The inbox: live WhatsApp conversation, reply, ticks, notes, assignment, transfer,
    // the closed window and a template, the web-chat widget, the phone layout (e2e/inbox.mjs).
    await inboxJourney({ browser, page, base, server, graph, webhookPath: hook.pathname, appSecret: "app-secret-e2e", phoneNumberId: "109876543210", adminPassword, errors });
    await channelsJourney({ page, base, server, graph, webhookPath: hook.pathname, appSecret: "app-secret-e2e", phoneNumberId: "109876543210" });
    await flowsJourney({ page, base });

    // 6. Two-step verification: enrol with the QR code, then sign in with a code.
    await page.getByRole("link", { name: "Perfil" }).first().click();
    await page.waitForURL("**/profile");
    const totpCard = page.locator("section", { hasText: "Verificação em duas etapas" });
    await totpCard.getByLabel("Senha", { exact: true }).fill(adminPassword);
    await totpCard.getByRole("button", { name: "Ativar" }).click();
    await expectVisible(page.getByRole("img", { name: "QR code para o aplicativo autenticador" }), "QR code");
    const secret = await page.getByLabel("Chave para digitar no aplicativo").inputValue();
    const enrolStep = Math.floor(Date.now() / 1000 / 30);
    await page.getByLabel("Código de verificação").fill(totp(secret, enrolStep));
    await shot(page, "08-totp-enrol");
    await page.getByRole("button", { name: "Confirmar e ativar" }).click();
    await expectVisible(page.getByText("Verificação em duas etapas ativada."), "TOTP enabled toast");
    await signOut(page);
    await signIn(page, base, "admin@demo.atende.local", adminPassword);
    await expectVisible(page.getByRole("heading", { name: "Verificação em duas etapas" }), "code step");
    // A code is accepted once: wait for the next 30-second step.
    while (Math.floor(Date.now() / 1000 / 30) <= enrolStep) await new Promise((r) => setTimeout(r, 500));
    await page.getByLabel("Código de verificação").fill(totp(secret));
    await shot(page, "09-login-code");
    await page.getByRole("button", { name: "Verificar" }).click();
    await page.waitForURL("**/inbox");
    log("enrolled two-step verification and signed in with a code");

    // 7. Super admin: create a tenant for the demo admin and one for a new person, suspend it.
    const sctx = await browser.newContext({ locale: "pt-BR", viewport: { width: 1280, height: 800 } });
    const spage = await sctx.newPage();
    watchErrors(spage, errors, "super admin");
    await signIn(spage, base, SUPER.email, SUPER.password);
    await spage.waitForURL("**/admin/tenants");
    // `zone`: typed into the searchable time-zone picker and chosen with Enter (São Paulo if none).
    const createTenant = async (name, adminEmail, zone) => {
      await spage.getByRole("button", { name: "Nova empresa" }).click();
      const d = spage.getByRole("dialog");
      await d.getByLabel("Nome", { exact: true }).fill(name);
      if (zone) {
        const picker = d.getByRole("combobox", { name: "Fuso horário" });
        await picker.fill(zone);
        await expectVisible(d.getByRole("listbox", { name: "Fuso horário" }).getByRole("option").first(), `the time zones matching "${zone}"`);
        await picker.press("Enter");
      }
      await d.getByLabel("E-mail").fill(adminEmail);
      await d.getByRole("button", { name: "Nova empresa" }).click();
      await expectVisible(spage.getByText(`${name} criada.`, { exact: false }), `${name} created`);
    };
    await createTenant("Loja Dois", "admin@demo.atende.local");
    const outputBeforeBia = server.output.length;
    await createTenant("Loja Tres", "bia@example.com", "manaus");
    await expectVisible(spage.getByRole("listitem").filter({ hasText: "Loja Tres" }).filter({ hasText: "America/Manaus" }), "Loja Tres in Manaus' time zone");
    await expectVisible(spage.getByRole("listitem").filter({ hasText: "Loja Dois" }).filter({ hasText: "America/Sao_Paulo" }), "Loja Dois in São Paulo's time zone");
    await shot(spage, "10-tenants");
    log("the super admin created two tenants (one in another time zone, from the searchable picker)");

    // The demo admin now belongs to two tenants: switch to the new one and back.
    await page.reload();
    await page.getByRole("button", { name: "Trocar de empresa" }).first().click();
    await page.getByRole("menuitem", { name: /Loja Dois/ }).click();
    await expectVisible(page.locator("aside").getByText("Loja Dois"), "switched tenant");
    await page.getByRole("button", { name: "Trocar de empresa" }).first().click();
    await page.getByRole("menuitem", { name: /Loja Exemplo/ }).click();
    await expectVisible(page.locator("aside").getByText("Loja Exemplo"), "switched back");
    log("the demo admin switched tenants");

    // Bia accepts her invitation, then her only tenant is suspended.
    const biaLink = await server.link("bia@example.com", outputBeforeBia, base);
    const bctx = await browser.newContext({ locale: "pt-BR", viewport: { width: 1280, height: 800 } });
    const bpage = await bctx.newPage();
    watchErrors(bpage, errors, "bia");
    await bpage.goto(biaLink);
    await bpage.getByLabel("Nova senha").fill(NEW_PASSWORD);
    await bpage.getByLabel("Confirme a senha").fill(NEW_PASSWORD);
    await bpage.getByRole("button", { name: "Definir senha e entrar" }).click();
    await bpage.waitForURL("**/inbox");
    await signOut(bpage);
    const row = spage.locator("li", { hasText: "Loja Tres" });
    await row.getByRole("button", { name: "Suspender" }).click();
    await spage.getByRole("alertdialog").getByRole("button", { name: "Suspender" }).click();
    await expectVisible(spage.getByText("Loja Tres foi suspensa."), "suspended toast");
    await signIn(bpage, base, "bia@example.com", NEW_PASSWORD);
    await expectVisible(bpage.getByText("O acesso desta empresa está suspenso. Fale com o suporte do Atende."), "suspended message");
    await shot(bpage, "11-suspended");
    log("a suspended tenant's admin sees the suspended message");

    // 7b. Sign in with an e-mailed link.
    await bpage.getByRole("button", { name: "Receber um link de acesso por e-mail" }).click();
    await bpage.getByLabel("E-mail").fill("maria@example.com");
    const outputBeforeLink = server.output.length;
    await bpage.getByRole("button", { name: "Enviar link" }).click();
    await expectVisible(bpage.getByRole("heading", { name: "Confira seu e-mail" }), "link sent");
    await bpage.goto(await server.link("maria@example.com", outputBeforeLink, base));
    await bpage.waitForURL("**/inbox");
    await signOut(bpage);
    log("signed in with an e-mailed link");

    // 7c. "Esqueci a senha" (e2e/people.mjs); the same password again so later steps hold.
    await forgotPasswordJourney({ page: bpage, base, server, email: "maria@example.com", password: NEW_PASSWORD });

    // 8. Lockout after repeated wrong passwords (Maria's account; the message names the wait).
    let locked = false;
    for (let i = 0; i < 7 && !locked; i++) {
      await bpage.getByLabel("E-mail").fill("maria@example.com");
      await bpage.getByLabel("Senha", { exact: true }).fill(`wrong-password-${i}`);
      await bpage.getByRole("button", { name: "Entrar", exact: true }).click();
      const alert = bpage.getByRole("alert").filter({ hasText: /incorretos|Muitas tentativas/ });
      await expectVisible(alert, "sign-in error");
      locked = /Muitas tentativas\. Tente de novo em \d+ (minutos?|segundos?)\./.test(await alert.first().innerText());
      if (!locked) await bpage.waitForTimeout(150);
    }
    if (!locked) fail("no lockout message after 7 wrong passwords");
    await shot(bpage, "12-lockout");
    log("the lockout message names the wait");

    // 9. The language follows the profile.
    await page.getByRole("link", { name: "Perfil" }).first().click();
    await page.getByLabel("Idioma").selectOption("en");
    await page.getByRole("button", { name: "Salvar alterações" }).first().click();
    await expectVisible(page.getByRole("link", { name: "Inbox" }), "English navigation");
    await expectVisible(page.getByRole("heading", { name: "Two-step verification" }), "English profile");
    await shot(page, "13-profile-en");
    log("the profile's language switched the app to English");

    if (errors.length) fail(`browser errors:\n${errors.join("\n")}`);
    await browser.close();
    browser = undefined;
    log("OK");
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (preview) preview.proc.kill();
    await server.stop();
    await graph.close();
    if (process.env.E2E_KEEP) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`e2e: FAILED: ${e.message}`);
  process.exit(1);
});
