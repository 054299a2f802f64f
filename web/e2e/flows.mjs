// The flow builder (issue 11, part 1): Automação → Novo fluxo → the builder; publishing a draft
// that cannot run marks it; a menu (start → question with two options → a message each → end)
// loads on the canvas, publishes as version 1, and the simulator answers "oi" with the menu's
// buttons and follows the tapped one. Nothing runs in conversations yet (docs/flows.md, "Next").

import { expectVisible, log, shot, until } from "./lib.mjs";

const text = (t) => ({ type: "text", text: t });
const menu = {
  nodes: [
    { id: "n1", type: "start", config: {}, position: { x: 0, y: 0 } },
    { id: "q", type: "question", position: { x: 0, y: 150 }, config: { prompt: "Olá, {{contact.name}}! Com quem quer falar?", answer: "options", variable: "setor", max_retries: 1, options: [{ id: "vendas", title: "Vendas" }, { id: "suporte", title: "Suporte" }] } },
    { id: "v", type: "message", config: text("Um vendedor já vem."), position: { x: -200, y: 430 } },
    { id: "t", type: "message", config: text("O suporte já vem."), position: { x: 200, y: 430 } },
    { id: "e", type: "end", config: { resolve: false }, position: { x: 0, y: 600 } },
  ],
  edges: [
    { from: "n1", handle: "default", to: "q" },
    { from: "q", handle: "default", to: "v" },
    { from: "q", handle: "suporte", to: "t" },
    { from: "v", handle: "default", to: "e" },
    { from: "t", handle: "default", to: "e" },
  ],
};

/** PATCHes the flow with the signed-in user's token (the builder's own save sends the same). */
async function saveDefinition(page, id, definition) {
  const status = await page.evaluate(
    async ({ id, definition }) => {
      const s = JSON.parse(localStorage.getItem("atende.session"));
      const r = await fetch(`/api/v1/flows/${id}`, { method: "PATCH", headers: { "Content-Type": "application/json", Authorization: `Bearer ${s.accessToken}` }, body: JSON.stringify({ definition }) });
      return r.status;
    },
    { id, definition },
  );
  if (status !== 200) throw new Error(`saving the menu's graph answered ${status}`);
}

export async function flowsJourney({ page, base }) {
  await page.goto(`${base}/inbox`);
  await page.getByRole("link", { name: "Automação" }).first().click();
  await page.waitForURL("**/automation/flows");
  await page.getByRole("button", { name: "Novo fluxo" }).first().click();
  await page.getByLabel("Nome").fill("Menu de atendimento");
  await page.getByRole("button", { name: "Criar e abrir o editor" }).click();
  await page.waitForURL(/\/automation\/flows\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop();
  await expectVisible(page.locator('[data-testid=flow-node][data-node-id="n1"]'), "the new flow's start node");

  // A start node alone cannot run: publishing is refused and says so.
  await page.getByRole("button", { name: "Publicar" }).click();
  await expectVisible(page.getByText("O fluxo não pode ser publicado: corrija os pontos marcados.").first(), "the refused publish");
  await shot(page, "70-flow-publish-refused");

  // The menu's graph, then publish and simulate.
  await saveDefinition(page, id, menu);
  await page.reload();
  await until(async () => (await page.locator("[data-testid=flow-node]").count()) === 5, "the menu's five blocks on the canvas");
  await page.getByRole("button", { name: "Publicar" }).click();
  await expectVisible(page.getByText("Versão 1 publicada.").first(), "version 1 published");
  await shot(page, "71-flow-menu-published");
  await page.getByRole("tab", { name: "Simular" }).click();
  await page.getByLabel("Mensagem do cliente").fill("oi");
  await page.getByRole("button", { name: "Enviar" }).click();
  await expectVisible(page.getByText("Olá, Maria Silva! Com quem quer falar?").first(), "the bot's question in the simulator");
  await page.getByRole("button", { name: "Suporte" }).first().click();
  await expectVisible(page.getByText("O suporte já vem.").first(), "the branch of the tapped option");
  await shot(page, "72-flow-simulator");
  log("flows: a refused publish, the menu published as version 1, the simulator followed a tapped option");
}
