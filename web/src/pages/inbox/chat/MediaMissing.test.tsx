// @vitest-environment jsdom
// A file that could not be downloaded: what the bubble still says, and "Tentar novamente".
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import i18n from "i18next";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import "../../../i18n";
import { useToasts } from "../../../components/ui/Toaster";
import { formatLabel } from "./MediaMissing";
import { MessageContent } from "./MessageContent";
import { apiError, fakeApi, json, message, renderWithClient } from "./testkit";

beforeAll(async () => {
  await i18n.changeLanguage("pt-BR");
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  useToasts.setState({ toasts: [] });
});

const RETRY = "/api/v1/conversations/c1/messages/m1/media/retry";

const receipt = (mediaError: Record<string, unknown>) =>
  message({
    id: "m1",
    type: "document",
    body: "Comprovante do Pix – pedido 48213",
    media: { url: null, mime: "application/pdf", file_name: "comprovante-pix-48213.pdf" },
    payload: { media_id: "1413728596047182", media_error: mediaError },
  });

describe("a file that could not be downloaded", () => {
  it("keeps the name, the format and the caption, and says why", () => {
    fakeApi(() => undefined);
    renderWithClient(<MessageContent message={receipt({ code: "media_unavailable", detail: "404" })} />);
    expect(screen.getByText("comprovante-pix-48213.pdf")).toBeTruthy();
    expect(screen.getByText("Documento · PDF")).toBeTruthy();
    expect(screen.getByText("Comprovante do Pix – pedido 48213")).toBeTruthy();
    expect(screen.getByText("Não foi possível baixar o arquivo.")).toBeTruthy();
  });

  it("names the type when there is no file name", () => {
    fakeApi(() => undefined);
    const photo = message({ id: "m2", type: "image", body: null, media: { url: null, mime: "image/jpeg" }, payload: { media_error: { code: "media_checksum" } } });
    renderWithClient(<MessageContent message={photo} />);
    expect(screen.getByText("Imagem")).toBeTruthy();
    expect(screen.getByText("JPEG")).toBeTruthy();
    expect(screen.getByText("O arquivo chegou corrompido.")).toBeTruthy();
  });

  it("asks the server to download it again and shows that it is on its way", async () => {
    const calls = fakeApi((c) => (c.method === "POST" && c.path === RETRY ? json(202, receipt({ code: "media_unavailable", retrying: true })) : undefined));
    renderWithClient(<MessageContent message={receipt({ code: "media_unavailable" })} />);
    fireEvent.click(screen.getByRole("button", { name: "Tentar novamente" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "POST" && c.path === RETRY)).toHaveLength(1));
  });

  it("shows a queued download as in progress, with the button off", () => {
    fakeApi(() => undefined);
    renderWithClient(<MessageContent message={receipt({ code: "media_unavailable", retrying: true })} />);
    expect(screen.getByText("Baixando de novo…")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Tentar novamente" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("offers no retry for a file over the limit", () => {
    fakeApi(() => undefined);
    renderWithClient(<MessageContent message={receipt({ code: "media_too_large" })} />);
    expect(screen.getByText("O arquivo passa do limite de tamanho e não foi baixado.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Tentar novamente" })).toBeNull();
  });

  it("tells the agent when the server refuses", async () => {
    fakeApi((c) => (c.method === "POST" && c.path === RETRY ? apiError(404, "not_found") : undefined));
    renderWithClient(<MessageContent message={receipt({ code: "media_unavailable" })} />);
    fireEvent.click(screen.getByRole("button", { name: "Tentar novamente" }));
    await waitFor(() => expect(useToasts.getState().toasts).toHaveLength(1));
  });
});

describe("formatLabel", () => {
  it("reads the subtype of a MIME type", () => {
    expect(formatLabel("application/pdf")).toBe("PDF");
    expect(formatLabel("audio/ogg; codecs=opus")).toBe("OGG");
    expect(formatLabel("application/x-zip")).toBe("ZIP");
    expect(formatLabel(null)).toBeNull();
    expect(formatLabel("weird")).toBeNull();
  });
});
