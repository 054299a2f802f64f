/// <reference types="vitest/config" />
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The server embeds dist/ and serves dist/api-docs (built by scripts/build-api-docs.mjs after this
// build, so emptyOutDir is safe). The app must run under a strict CSP (no inline scripts, no
// remote origins): Vite's output is module scripts and CSS files only.
// The server's policy (crates/atende-http/src/assets.rs), applied by `vite preview` too so a
// violation shows up before the app is embedded.
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
const API = process.env.ATENDE_DEV_API ?? "http://127.0.0.1:8080";
// `ws`: the inbox's realtime socket (/api/v1/ws) goes through the proxy too.
const proxy = { "/api": { target: API, ws: true } };

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // Keep small assets as files: data: URLs are allowed for images only.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    // `npm run dev` talks to a running `atende serve` (ATENDE_DEV_API, default 127.0.0.1:8080).
    proxy,
  },
  preview: {
    port: 4173,
    proxy,
    headers: { "Content-Security-Policy": CSP },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
