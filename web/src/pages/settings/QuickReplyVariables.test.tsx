// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../i18n";
import { QuickReplyVariables } from "./QuickReplyVariables";

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});
afterEach(cleanup);

describe("quick reply form: variables", () => {
  it("lists the variables, inserts one on click, previews with samples and names unknown ones", () => {
    const onInsert = vi.fn();
    render(<QuickReplyVariables content={"Olá {{contact.first_name}}! {{nome}}"} onInsert={onInsert} />);
    expect(screen.getByTestId("qr-variables").textContent).toContain("{{contact.name}}");
    fireEvent.click(screen.getByRole("button", { name: "{{agent.first_name}}" }));
    expect(onInsert).toHaveBeenCalledWith("{{agent.first_name}}");
    expect(screen.getByTestId("qr-preview").textContent).toBe("Olá Ana! {{nome}}");
    expect(screen.getByTestId("qr-unknown").textContent).toContain("{{nome}}");
  });

  it("shows no preview for an empty text", () => {
    render(<QuickReplyVariables content="  " onInsert={() => {}} />);
    expect(screen.queryByTestId("qr-preview")).toBeNull();
  });
});
