// @vitest-environment jsdom
import { fireEvent, render, screen } from "@testing-library/react";
import i18n from "i18next";
import { beforeAll, describe, expect, it } from "vitest";

import "../../i18n";
import { Field } from "./Field";
import { PasswordInput } from "./PasswordInput";

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});

describe("PasswordInput", () => {
  it("hides the password until the toggle is pressed, and hides it again", () => {
    render(
      <form onSubmit={() => { throw new Error("the toggle must not submit"); }}>
        <Field label="Senha">
          <PasswordInput value="s3cret passphrase" onChange={() => {}} autoComplete="current-password" />
        </Field>
      </form>,
    );
    const input = screen.getByLabelText("Senha");
    expect(input).toHaveProperty("type", "password");
    const toggle = screen.getByRole("button", { name: "Mostrar senha" });
    expect(toggle.getAttribute("aria-pressed")).toBe("false");

    fireEvent.click(toggle);
    expect(input).toHaveProperty("type", "text");
    const hide = screen.getByRole("button", { name: "Ocultar senha" });
    expect(hide.getAttribute("aria-pressed")).toBe("true");

    fireEvent.click(hide);
    expect(input).toHaveProperty("type", "password");
    expect(input.getAttribute("autocomplete")).toBe("current-password");
  });
});
