// Open report pages in headless chromium (as test/report/browser.test.ts does) and write a full-page
// screenshot beside each, printing the load time, the page's bytes and any console error or outside request.
// npx tsx bench/report-shot.ts out/report.html [more.html ...]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const dir = mkdtempSync(path.join(os.tmpdir(), "netsize-shot-"));
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: "/usr/bin/chromium", headless: true, viewport: { width: 1200, height: 900 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (const file of process.argv.slice(2)) {
    const page = await ctx.newPage();
    const errors: string[] = [], outside: string[] = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.route("**/*", (r) => (/^(file|data):/.test(r.request().url()) ? r.continue() : (outside.push(r.request().url()), r.abort())));
    const t0 = Date.now();
    await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: "load" });
    const ms = Date.now() - t0;
    const png = file.replace(/\.html?$/i, ".png");
    await page.screenshot({ path: png, fullPage: true });
    // Also in pieces of 1,600 px, to look at: NAME-0.png, NAME-1.png, ...
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0, k = 0; y < height; y += 1600, k++) await page.screenshot({ path: png.replace(/\.png$/, `-${k}.png`), fullPage: true, clip: { x: 0, y, width: 1200, height: Math.min(1600, height - y) } });
    console.log(`${file}: ${statSync(file).size.toLocaleString("en-US")} bytes, loaded in ${ms} ms, ${errors.length} console errors, ${outside.length} outside requests → ${png}`);
    for (const e of [...errors, ...outside]) console.log(`  ${e}`);
    await page.close();
  }
} finally {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}
