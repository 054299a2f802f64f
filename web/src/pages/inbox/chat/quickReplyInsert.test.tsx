// @vitest-environment jsdom
// A quick reply with variables, inserted into the composer: filled with the contact's, the
// agent's and the company's values; an unknown placeholder stays visible with a warning.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { useState } from "react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import { Composer } from "./Composer";
import { conversation, fakeApi, json, renderWithClient, sends } from "./testkit";
import { useUploads } from "./uploads";

const replies = [{ id: "q1", shortcut: "/oi", title: "Oi", content: "Olá {{contact.first_name}}, aqui é {{agent.name}} da {{tenant.name}}. {{nome}}", created_at: "", updated_at: "" }];

function Harness() {
  const [note, setNote] = useState(false);
  const uploads = useUploads();
  return <Composer conversation={conversation()} canSend templates={false} note={note} onNoteChange={setNote} replyTo={null} onCancelReply={() => {}} uploads={uploads} onOpenTemplates={() => {}} onAttach={() => {}} />;
}

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("quick reply variables in the composer", () => {
  it("fills them on insert and warns about what is left, before anything is sent", async () => {
    const calls = fakeApi((c) => (c.method === "GET" && c.path === "/api/v1/quick-replies" ? json(200, { items: replies, next_cursor: null }) : undefined));
    renderWithClient(<Harness />);
    const input = screen.getByTestId("composer-input") as HTMLTextAreaElement;
    // The agent's name comes from /users/me: let it load before picking.
    await new Promise((r) => setTimeout(r, 50));
    fireEvent.change(input, { target: { value: "/oi" } });
    fireEvent.click(await screen.findByRole("option"));
    await waitFor(() => expect(input.value).toBe("Olá Maria, aqui é Ana da Demo. {{nome}}"));
    expect(screen.getByTestId("composer-placeholders").textContent).toContain("{{nome}}");
    expect(sends(calls)).toHaveLength(0);
    // Fixed by hand: the warning goes.
    fireEvent.change(input, { target: { value: "Olá Maria, aqui é Ana da Demo." } });
    expect(screen.queryByTestId("composer-placeholders")).toBeNull();
  });
});
