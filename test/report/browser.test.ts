// The report in a real browser: Debian's chromium driven by playwright-core opens the page from a
// file with no console error and no request leaving the file, every section renders with its
// figures, and a screenshot is far from blank. Skipped (with the reason) where /usr/bin/chromium is absent.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportHtml } from "../../src/report/assemble.js";
import { svgToPng } from "../../src/node/png.js";
import { smallReport } from "./fixture.js";
import { distinctColours } from "./png-colours.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/report/browser.test.ts skipped: ${CHROMIUM} is absent (CI installs it: apt-get install chromium)`);

describe.skipIf(!hasChromium)(`the report in headless chromium (${CHROMIUM})`, () => {
  let dir = "", file = "", sections: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "netsize-report-"));
    const rep = await smallReport();
    // A small inline limit so that some figures are PNG data URIs and some inline SVG.
    const html = await reportHtml(rep.input, { rasterize: (svg) => svgToPng(svg, { zoom: 1 }), inlineMax: 12_000 });
    expect(html).toContain("data:image/png;base64,");
    expect(html).toMatch(/<div class="svg"[^>]*><svg/);
    sections = [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]!);
    file = path.join(dir, "report.html");
    writeFileSync(file, html);
  }, 120_000);
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it("loads offline with no console error, renders every section and figure, and is not blank", async () => {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launchPersistentContext(path.join(dir, "profile"), {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1200, height: 900 },
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [], outside: string[] = [];
      page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      page.on("pageerror", (e) => errors.push(e.message));
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
        outside.push(url);
        return route.abort();
      });
      const t0 = Date.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      console.log(`report opened in ${Date.now() - t0} ms`);
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
      const rendered = await page.evaluate(() => [...document.querySelectorAll("section")].map((s) => {
        const r = s.getBoundingClientRect();
        const figs = [...s.querySelectorAll("figure svg, figure img")].map((f) => {
          const b = f.getBoundingClientRect();
          return { w: b.width, h: b.height, ok: f instanceof HTMLImageElement ? f.complete && f.naturalWidth > 0 : true };
        });
        return { id: s.id, h: r.height, w: r.width, figs };
      }));
      expect(rendered.map((s) => s.id)).toEqual(sections);
      for (const s of rendered) {
        expect(s.h, s.id).toBeGreaterThan(20);
        for (const f of s.figs) { expect(f.ok, s.id).toBe(true); expect(f.w * f.h, s.id).toBeGreaterThan(100 * 50); }
      }
      expect(rendered.find((s) => s.id === "lens-regions-slice")!.figs.length).toBe(1);
      const shot = await page.screenshot({ fullPage: true });
      await page.setContent("<html><body></body></html>");
      const blank = await page.screenshot({ fullPage: true });
      expect(distinctColours(blank)).toBeLessThanOrEqual(2);
      expect(distinctColours(shot)).toBeGreaterThan(200);
      expect(shot.length).toBeGreaterThan(20 * blank.length);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
