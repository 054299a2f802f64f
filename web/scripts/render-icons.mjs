// Renders public/icons/*.svg to the PNG sizes the PWA manifest lists, with Debian's Chromium
// (playwright-core; no browser download). Run after editing an icon: node scripts/render-icons.mjs

import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "public", "icons");
const jobs = [
  ["icon.svg", "icon-192.png", 192],
  ["icon.svg", "icon-512.png", 512],
  ["maskable.svg", "maskable-512.png", 512],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  for (const [src, out, size] of jobs) {
    const svg = await readFile(path.join(dir, src), "utf8");
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const html = `<html><body style="margin:0;background:transparent">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`;
    await page.setContent(html);
    await page.screenshot({ path: path.join(dir, out), omitBackground: true });
    await page.close();
    console.log(`icons: ${out}`);
  }
} finally {
  await browser.close();
}
