// @vitest-environment jsdom
// The node forms keep configs within WhatsApp's and the engine's limits: at most 3 buttons of
// 20 characters, 10 list rows of 24, re-asks 0–10, delays of 1 second to 30 days, branch names
// that are not `else`; what is out of range is shown and never reaches the config.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import i18n from "i18next";
import type { ComponentType } from "react";
import { useState } from "react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import "../../../../i18n";
import type { ConditionConfig, DelayConfig, MessageConfig, QuestionConfig, WebhookConfig } from "../../../../automation/flows/types";
import { ConditionForm } from "./ConditionForm";
import { MessageForm } from "./MessageForm";
import { QuestionForm } from "./QuestionForm";
import { DelayForm } from "./SimpleForms";
import { WebhookForm } from "./WebhookForm";

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});
afterEach(cleanup);

/** Renders `Form` controlled by state; `config()` is the latest config it produced. */
function mount<C>(Form: ComponentType<{ config: C; onChange: (c: C) => void; tags: never[] }>, initial: C) {
  let latest = initial;
  function Harness() {
    const [c, setC] = useState(initial);
    return (
      <Form
        config={c}
        tags={[]}
        onChange={(next) => {
          latest = next;
          setC(next);
        }}
      />
    );
  }
  render(<Harness />);
  return { config: () => latest };
}

const type = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });

describe("message form", () => {
  it("stops at 3 reply buttons and keeps titles to 20 characters", () => {
    const f = mount<MessageConfig>(MessageForm, { type: "buttons", text: "Escolha", buttons: [{ id: "b1", title: "" }] });
    const add = screen.getByRole("button", { name: "Adicionar botão" });
    fireEvent.click(add);
    fireEvent.click(add);
    expect(f.config()).toMatchObject({ buttons: [{ id: "b1" }, { id: "b2" }, { id: "b3" }] });
    expect((add as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText("No máximo 3.")).toBeTruthy();
    fireEvent.click(add);
    expect((f.config() as { buttons: unknown[] }).buttons).toHaveLength(3);

    type(screen.getByLabelText(/^Título do botão 1/), "Falar com o financeiro agora");
    const b1 = (f.config() as Extract<MessageConfig, { type: "buttons" }>).buttons[0]!;
    expect(b1.title).toBe("Falar com o financei");
    expect([...b1.title]).toHaveLength(20);
    expect(screen.getByText("20/20")).toBeTruthy();
  });

  it("stops at 10 list rows with titles of 24 and descriptions of 72 characters", () => {
    const f = mount<MessageConfig>(MessageForm, { type: "list", text: "Menu", button: "Abrir", rows: [{ id: "r1", title: "Um" }] });
    const add = screen.getByRole("button", { name: "Adicionar linha" });
    for (let i = 0; i < 12; i++) fireEvent.click(add);
    const rows = (f.config() as Extract<MessageConfig, { type: "list" }>).rows;
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.id)).size).toBe(10);
    type(screen.getByLabelText(/^Título da linha 2/), "x".repeat(30));
    type(screen.getAllByLabelText(/^Descrição \(opcional\)/)[1]!, "y".repeat(80));
    const row = (f.config() as Extract<MessageConfig, { type: "list" }>).rows[1]!;
    expect(row.title).toBe("x".repeat(24));
    expect(row.description).toBe("y".repeat(72));
    type(screen.getByLabelText(/^Texto do botão que abre a lista/), "Ver todas as opções disponíveis");
    expect((f.config() as { button: string }).button).toHaveLength(20);
  });

  it("keeps the text when switching a text message to buttons, within the 1,024 limit", () => {
    const f = mount<MessageConfig>(MessageForm, { type: "text", text: "a".repeat(2000) });
    fireEvent.change(screen.getByLabelText("Tipo de mensagem"), { target: { value: "buttons" } });
    expect(f.config()).toEqual({ type: "buttons", text: "a".repeat(1024), buttons: [{ id: "b1", title: "" }] });
  });

  it("tells that texts accept {{contact.name}} and {{vars.x}}", () => {
    mount<MessageConfig>(MessageForm, { type: "text", text: "" });
    expect(screen.getByText("Aceita variáveis como {{contact.name}}, {{vars.x}}.")).toBeTruthy();
  });
});

describe("question form", () => {
  const base: QuestionConfig = { prompt: "Seu CPF?", answer: "cpf_cnpj", variable: "cpf", max_retries: 2 };

  it("takes re-asks from 0 to 10 only", () => {
    const f = mount<QuestionConfig>(QuestionForm, base);
    const retries = screen.getByLabelText("Tentativas extras");
    type(retries, "11");
    expect(screen.getByText("Use um número inteiro de 0 a 10.")).toBeTruthy();
    expect(f.config().max_retries).toBe(2);
    type(retries, "0");
    expect(f.config().max_retries).toBe(0);
    expect(screen.queryByText("Use um número inteiro de 0 a 10.")).toBeNull();
  });

  it("takes a timeout of 1 minute to 30 days, and none when unchecked", () => {
    const f = mount<QuestionConfig>(QuestionForm, base);
    fireEvent.click(screen.getByLabelText("Limitar o tempo para responder"));
    expect(f.config().timeout_minutes).toBe(60);
    const minutes = screen.getByLabelText("Minutos sem resposta");
    type(minutes, "43201");
    expect(f.config().timeout_minutes).toBe(60);
    type(minutes, "43200");
    expect(f.config().timeout_minutes).toBe(43200);
    fireEvent.click(screen.getByLabelText("Limitar o tempo para responder"));
    expect("timeout_minutes" in f.config()).toBe(false);
  });

  it("adds options for an options answer, warns when they do not fit buttons, and drops them for other answers", () => {
    const f = mount<QuestionConfig>(QuestionForm, base);
    fireEvent.change(screen.getByLabelText("Tipo de resposta"), { target: { value: "options" } });
    expect(f.config().options).toEqual([{ id: "o1", title: "" }, { id: "o2", title: "" }]);
    fireEvent.change(screen.getByLabelText("Como mostrar as opções"), { target: { value: "buttons" } });
    type(screen.getByLabelText(/^Opção 1/), "Vendas");
    type(screen.getByLabelText(/^Opção 2/), "Suporte");
    expect(screen.queryByText(/não cabem nesse formato/)).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Adicionar opção" }));
    fireEvent.click(screen.getByRole("button", { name: "Adicionar opção" }));
    expect(f.config().options).toHaveLength(4);
    expect(screen.getByText(/não cabem nesse formato/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Tipo de resposta"), { target: { value: "text" } });
    expect(f.config()).toEqual({ ...base, answer: "text" });
  });

  it("flags a variable name the templates could not use", () => {
    mount<QuestionConfig>(QuestionForm, base);
    type(screen.getByLabelText("Guardar em"), "1cpf");
    expect(screen.getByText("Use letras, números e _, sem começar por número.")).toBeTruthy();
  });
});

describe("delay form", () => {
  it("turns amount and unit into seconds, from 1 second to 30 days", () => {
    const f = mount<DelayConfig>(DelayForm, { seconds: 60 });
    expect((screen.getByLabelText("Quanto tempo") as HTMLInputElement).value).toBe("1");
    expect((screen.getByLabelText("Unidade") as HTMLSelectElement).value).toBe("minutes");
    fireEvent.change(screen.getByLabelText("Unidade"), { target: { value: "hours" } });
    type(screen.getByLabelText("Quanto tempo"), "2");
    expect(f.config()).toEqual({ seconds: 7200 });
    // Changing the unit keeps the amount: 2 days.
    fireEvent.change(screen.getByLabelText("Unidade"), { target: { value: "days" } });
    expect(f.config()).toEqual({ seconds: 2 * 86400 });
    type(screen.getByLabelText("Quanto tempo"), "31");
    expect(screen.getByText("De 1 segundo a 30 dias.")).toBeTruthy();
    expect(f.config()).toEqual({ seconds: 2 * 86400 });
    type(screen.getByLabelText("Quanto tempo"), "30");
    expect(f.config()).toEqual({ seconds: 30 * 86400 });
    type(screen.getByLabelText("Quanto tempo"), "0");
    expect(f.config()).toEqual({ seconds: 30 * 86400 });
  });
});

describe("condition form", () => {
  it("refuses `else` and a taken name for a branch, and renames it otherwise", () => {
    const f = mount<ConditionConfig>(ConditionForm, {
      branches: [
        { id: "b1", match: "all", rules: [{ subject: { kind: "var", name: "idade" }, op: "greater", value: "17" }] },
        { id: "vip", match: "all", rules: [{ subject: { kind: "tags" }, op: "is_set" }] },
      ],
    });
    const name = screen.getAllByLabelText("Nome do ramo (é a saída no desenho)")[0]!;
    type(name, "else");
    expect(screen.getByText("Este nome é reservado.")).toBeTruthy();
    type(name, "vip");
    expect(screen.getByText("Outro ramo já usa este nome.")).toBeTruthy();
    expect(f.config().branches.map((b) => b.id)).toEqual(["b1", "vip"]);
    type(name, "maior_de_idade");
    expect(f.config().branches.map((b) => b.id)).toEqual(["maior_de_idade", "vip"]);
  });

  it("drops the value of a rule whose comparison needs none", () => {
    const f = mount<ConditionConfig>(ConditionForm, { branches: [{ id: "b1", rules: [{ subject: { kind: "var", name: "email" }, op: "equals", value: "x" }] }] });
    fireEvent.change(screen.getByLabelText("Comparação"), { target: { value: "is_empty" } });
    expect(f.config().branches[0]!.rules[0]).toEqual({ subject: { kind: "var", name: "email" }, op: "is_empty" });
    expect(screen.queryByLabelText("Valor")).toBeNull();
  });
});

describe("webhook form", () => {
  it("takes a timeout of 1 to 30 seconds and flags a URL that is not http(s)", () => {
    const f = mount<WebhookConfig>(WebhookForm, { method: "POST", url: "", timeout_secs: 10 });
    type(screen.getByLabelText("Tempo limite (segundos)"), "31");
    expect(f.config().timeout_secs).toBe(10);
    type(screen.getByLabelText("Tempo limite (segundos)"), "30");
    expect(f.config().timeout_secs).toBe(30);
    type(screen.getByLabelText(/^URL/), "ftp://arquivos");
    expect(screen.getByText("A URL deve começar com http:// ou https:// e ter um endereço.")).toBeTruthy();
  });
});
