// @vitest-environment jsdom
// The composer against a fake API: what it sends for each gesture, asserted on the request bodies.
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { useState } from "react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import type { Message } from "../../../inbox/queries";
import { Composer } from "./Composer";
import { apiError, conversation, fakeApi, json, message, renderWithClient, sends } from "./testkit";
import type { Call, Handler } from "./testkit";
import { useUploads } from "./uploads";

const replies = [
  { id: "q1", shortcut: "/saudacao", title: "Saudação", content: "Olá! Como posso ajudar?", created_at: "", updated_at: "" },
  { id: "q2", shortcut: "/horario", title: "Horário", content: "Atendemos das 8h às 18h.", created_at: "", updated_at: "" },
];

const ok: Handler = (c) => {
  if (c.method === "GET" && c.path === "/api/v1/quick-replies") return json(200, { items: replies, next_cursor: null });
  if (c.method === "POST" && c.path === "/api/v1/conversations/c1/messages") return json(201, message({ id: "new", direction: "outbound", ...(c.body as object) }));
  return undefined;
};

function Harness({ reply = null }: { reply?: Message | null }) {
  const [note, setNote] = useState(false);
  const [replyTo, setReplyTo] = useState<Message | null>(reply);
  const uploads = useUploads();
  return (
    <Composer
      conversation={conversation()}
      canSend
      templates
      note={note}
      onNoteChange={setNote}
      replyTo={replyTo}
      onCancelReply={() => setReplyTo(null)}
      uploads={uploads}
      onOpenTemplates={() => {}}
      onAttach={() => {}}
    />
  );
}

function input(): HTMLTextAreaElement {
  return screen.getByTestId("composer-input") as HTMLTextAreaElement;
}

function typeText(value: string) {
  fireEvent.change(input(), { target: { value } });
}

async function sentBodies(calls: Call[], n: number) {
  await waitFor(() => expect(sends(calls)).toHaveLength(n));
  return sends(calls).map((c) => c.body);
}

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("composer", () => {
  it("sends the text with Enter and clears it; Shift+Enter does not send", async () => {
    const calls = fakeApi(ok);
    renderWithClient(<Harness />);
    typeText("Oi, Maria!\nTudo certo com o pedido?");
    fireEvent.keyDown(input(), { key: "Enter", shiftKey: true });
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(sends(calls)).toHaveLength(0);

    fireEvent.keyDown(input(), { key: "Enter" });
    expect(await sentBodies(calls, 1)).toEqual([{ type: "text", body: "Oi, Maria!\nTudo certo com o pedido?" }]);
    await waitFor(() => expect(input().value).toBe(""));
    expect(sends(calls)[0]!.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("sends with Ctrl+Enter and not an empty message", async () => {
    const calls = fakeApi(ok);
    renderWithClient(<Harness />);
    typeText("   ");
    fireEvent.keyDown(input(), { key: "Enter" });
    typeText("  ok  ");
    fireEvent.keyDown(input(), { key: "Enter", ctrlKey: true });
    expect(await sentBodies(calls, 1)).toEqual([{ type: "text", body: "ok" }]);
  });

  it("opens quick replies on / and inserts the chosen one", async () => {
    const calls = fakeApi(ok);
    renderWithClient(<Harness />);
    typeText("/");
    const list = await screen.findByRole("listbox", { name: "Respostas rápidas" });
    expect(list.querySelectorAll("[role=option]")).toHaveLength(2);
    typeText("/hor");
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(1));
    typeText("/");
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(2));
    fireEvent.keyDown(input(), { key: "ArrowDown" });
    expect(screen.getAllByRole("option")[1]!.getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(input(), { key: "Enter" });
    expect(input().value).toBe("Atendemos das 8h às 18h.");
    expect(screen.queryByRole("listbox")).toBeNull();
    expect(sends(calls)).toHaveLength(0);

    fireEvent.keyDown(input(), { key: "Enter" });
    expect(await sentBodies(calls, 1)).toEqual([{ type: "text", body: "Atendemos das 8h às 18h." }]);
  });

  it("closes quick replies with Escape and then sends the command text as typed", async () => {
    const calls = fakeApi(ok);
    renderWithClient(<Harness />);
    typeText("/sau");
    await screen.findByRole("listbox");
    fireEvent.keyDown(input(), { key: "Escape" });
    expect(screen.queryByRole("listbox")).toBeNull();
    fireEvent.keyDown(input(), { key: "Enter" });
    expect(await sentBodies(calls, 1)).toEqual([{ type: "text", body: "/sau" }]);
  });

  it("saves a private note when the note toggle is on", async () => {
    const calls = fakeApi(ok);
    renderWithClient(<Harness />);
    const toggle = screen.getByTestId("composer-note-toggle");
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("composer-send").textContent).toBe("Salvar nota");
    typeText("Cliente pediu desconto; ver com o gerente.");
    fireEvent.click(screen.getByTestId("composer-send"));
    expect(await sentBodies(calls, 1)).toEqual([{ type: "text", body: "Cliente pediu desconto; ver com o gerente.", private_note: true }]);
  });

  it("quotes the message being replied to, until cancelled with Escape", async () => {
    const calls = fakeApi(ok);
    renderWithClient(<Harness reply={message({ id: "m9", body: "Quando chega?" })} />);
    expect(screen.getByText("Respondendo a Maria Souza")).toBeTruthy();
    typeText("Amanhã!");
    fireEvent.keyDown(input(), { key: "Enter" });
    expect(await sentBodies(calls, 1)).toEqual([{ type: "text", body: "Amanhã!", reply_to_id: "m9" }]);
    await waitFor(() => expect(screen.queryByText("Respondendo a Maria Souza")).toBeNull());
  });

  it("cancels a reply with Escape", async () => {
    const calls = fakeApi(ok);
    renderWithClient(<Harness reply={message({ id: "m9", body: "Quando chega?" })} />);
    fireEvent.keyDown(input(), { key: "Escape" });
    expect(screen.queryByText("Respondendo a Maria Souza")).toBeNull();
    typeText("Sem citação");
    fireEvent.keyDown(input(), { key: "Enter" });
    expect(await sentBodies(calls, 1)).toEqual([{ type: "text", body: "Sem citação" }]);
  });

  it("keeps the text and shows the error when the API refuses, and retries with the same key", async () => {
    let fail = true;
    const calls = fakeApi((c) => {
      if (c.method === "POST" && c.path.endsWith("/messages")) {
        return fail ? apiError(422, "whatsapp_window_closed", "the 24-hour window is closed") : json(201, message({ id: "ok" }));
      }
      return ok(c);
    });
    renderWithClient(<Harness />);
    typeText("Ainda está aí?");
    fireEvent.keyDown(input(), { key: "Enter" });
    expect((await screen.findByRole("alert")).textContent).toBe("A janela de 24 horas fechou: envie um modelo aprovado.");
    expect(input().value).toBe("Ainda está aí?");

    fail = false;
    fireEvent.keyDown(input(), { key: "Enter" });
    await sentBodies(calls, 2);
    const [first, second] = sends(calls);
    expect(second!.headers.get("Idempotency-Key")).toBe(first!.headers.get("Idempotency-Key"));
    await waitFor(() => expect(input().value).toBe(""));
    expect(screen.queryByRole("alert")).toBeNull();

    typeText("Outra mensagem");
    fireEvent.keyDown(input(), { key: "Enter" });
    await sentBodies(calls, 3);
    expect(sends(calls)[2]!.headers.get("Idempotency-Key")).not.toBe(first!.headers.get("Idempotency-Key"));
  });
});
