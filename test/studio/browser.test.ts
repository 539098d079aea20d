// The studio in a real browser (Debian's chromium driven by playwright-core), served by the real
// `netsize studio`: train moons for 50 steps in the page and check that the region count shown is the
// library's exact count for the same weights and window; save (netsize JSON, ONNX) and load back; a
// link reproduces the session; a run folder's snapshot slider; an MNIST slice in the explorer; and
// path traversal gets 404 from the live server. Screenshots go to a temporary folder, or to
// $NETSIZE_STUDIO_SHOTS to keep them.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lineRegions, networkFromJson, networkFromOnnx, sliceRegions, type Network, type Plane } from "../../src/index.js";
import { loadNetwork } from "../../src/node/index.js";
import { HAVE_SHARED, model, ROOT } from "../helpers/shared.js";
import { netsize } from "../cli/run.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/studio/browser.test.ts skipped: ${CHROMIUM} is absent (CI installs it: apt-get install chromium)`);

type Browser = import("playwright-core").BrowserContext;
type Page = import("playwright-core").Page;

const procs: ChildProcess[] = [];

/** Start `netsize studio ARGS` and resolve with the URL it prints. */
function studio(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin/netsize.js"), "studio", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    procs.push(child);
    let out = "", err = "";
    child.stdout!.on("data", (d: Buffer) => { out += d.toString(); const m = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out); if (m) resolve(m[1]!); });
    child.stderr!.on("data", (d: Buffer) => { err += d.toString(); });
    child.on("exit", (code) => reject(new Error(`netsize studio exited (${code}): ${err}`)));
  });
}

function status(url: string, p: string): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: p }, (res) => { res.resume(); resolve(res.statusCode!); });
    req.on("error", reject);
    req.end();
  });
}

const squareOf = (w: number[]): [number, number][] => [[w[0]!, w[1]!], [w[2]!, w[1]!], [w[2]!, w[3]!], [w[0]!, w[3]!]];
const identity: Plane = { origin: new Float64Array(2), basis: [Float64Array.of(1, 0), Float64Array.of(0, 1)], anchors: [[0, 0], [1, 0], [0, 1]] };
const weights = (n: Network): number[] => n.layers.flatMap((l) => (l.kind === "dense" ? [...l.weight, ...l.bias] : []));

describe.skipIf(!hasChromium)(`netsize studio in headless chromium (${CHROMIUM})`, () => {
  let dir = "", shots = "", url = "", browser: Browser;
  const errors: string[] = [];

  async function open(u: string): Promise<Page> {
    const page = await browser.newPage();
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(u);
    await page.waitForSelector("body[data-ready='1']", { timeout: 240_000 });
    return page;
  }

  type Probe = { json: string; window: number[]; count: number; step: number };
  const probeOf = (page: Page): Promise<Probe> => page.evaluate(() => (window as unknown as { studio: { playground: { probe(): Probe } } }).studio.playground.probe());
  /** The explorer's plane and window, as the page holds them. */
  const slicePlane = async (page: Page): Promise<{ plane: Plane; window: number[] }> => {
    const got = await page.evaluate(() => {
      const ex = (window as unknown as { studio: { explorer: { slice: { origin: Float64Array; basis: Float64Array[]; anchors: number[][] }; plane: { window(): number[] } } } }).studio.explorer;
      return { origin: Array.from(ex.slice.origin), basis: ex.slice.basis.map((b) => Array.from(b)), anchors: ex.slice.anchors, window: ex.plane.window() };
    });
    return { plane: { origin: Float64Array.from(got.origin), basis: [Float64Array.from(got.basis[0]!), Float64Array.from(got.basis[1]!)], anchors: got.anchors as [number, number][] }, window: got.window };
  };
  const shown = async (page: Page, id: string): Promise<number> => Number((await page.textContent(`#${id}`))!.replace(/,/g, ""));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "netsize-studio-"));
    shots = process.env.NETSIZE_STUDIO_SHOTS ?? path.join(dir, "screenshots");
    url = await studio([]);
    const { chromium } = await import("playwright-core");
    browser = await chromium.launchPersistentContext(path.join(dir, "profile"), {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1320, height: 800 }, acceptDownloads: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    for (const p of procs) p.kill("SIGTERM");
    console.log(`[studio] screenshots in ${shots}`);
  });

  it("trains moons for 50 steps in the page and shows the library's exact region count for those weights; save, load and a link reproduce it", async () => {
    const page = await open(`${url}#data=moons:n=200,noise=0.1&h=8,8&act=relu&seed=3&every=5`);
    await page.evaluate(() => (window as unknown as { studio: { playground: { trainTo(n: number): Promise<void> } } }).studio.playground.trainTo(50));
    expect(await page.textContent("#step-count")).toBe("50");
    const count = await shown(page, "region-count");
    const probe = await probeOf(page);
    const net = networkFromJson(probe.json);
    const exact = sliceRegions(net, identity, { polygon: squareOf(probe.window), details: false });
    expect(count).toBe(exact.count);
    expect(count).toBeGreaterThan(4);
    expect(probe.step).toBe(50);
    await page.screenshot({ path: path.join(shots, "playground-moons-50.png") });

    // Save as netsize JSON and ONNX: the same weights, the same regions.
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#save-json")]);
    const saved = path.join(dir, "saved.json");
    await dl.saveAs(saved);
    expect(weights(networkFromJson(readFileSync(saved, "utf8")))).toEqual(weights(net));
    const [dlOnnx] = await Promise.all([page.waitForEvent("download"), page.click("#save-onnx")]);
    const savedOnnx = path.join(dir, "saved.onnx");
    await dlOnnx.saveAs(savedOnnx);
    expect(sliceRegions(networkFromOnnx(new Uint8Array(readFileSync(savedOnnx))), identity, { polygon: squareOf(probe.window), details: false }).count).toBe(count);

    // A link to the session, opened in a new page: same step, weights and count.
    await page.click("#copy-link");
    const link = await page.inputValue("#link");
    expect(link).toContain("#data=moons");
    expect(link).toContain("w=f32");
    const again = await open(link);
    expect(await again.textContent("#step-count")).toBe("50");
    expect(await shown(again, "region-count")).toBe(count);
    expect(weights(networkFromJson((await probeOf(again)).json))).toEqual(weights(net));

    // Load the saved file into a fresh playground (on the same view).
    const fresh = await open(`${url}#data=moons:n=200,noise=0.1&h=8,8&act=relu&seed=9&view=${encodeURIComponent(new URL(link).hash.match(/view=([^&]+)/)![1]!)}`);
    expect(await fresh.textContent("#step-count")).toBe("0");
    await fresh.setInputFiles("#load-file", saved);
    await fresh.waitForFunction(() => document.getElementById("step-count")!.textContent === "50");
    expect(await shown(fresh, "region-count")).toBe(count);
    for (const p of [page, again, fresh]) await p.close();
  }, 600_000);

  it("trains on a dropped 3-class CSV, draws a line whose knots are the line lens's, and a link carries the points", async () => {
    const rows = ["x,y,label"];
    for (let i = 0; i < 90; i++) { const c = i % 3, t = (i / 90) * 6.283; rows.push(`${(Math.cos(t) + 2 * c).toFixed(3)},${(Math.sin(t) * (c + 1)).toFixed(3)},${c}`); }
    const csv = path.join(dir, "three.csv");
    writeFileSync(csv, rows.join("\n") + "\n");
    const page = await open(`${url}#h=8,8&seed=2&every=5&lr=0.05`);
    await page.setInputFiles("#csv-file", csv);
    await page.waitForFunction(() => document.getElementById("data-set") && (document.getElementById("data-set") as HTMLSelectElement).value === "csv");
    await page.evaluate(() => (window as unknown as { studio: { playground: { trainTo(n: number): Promise<void> } } }).studio.playground.trainTo(20));
    const probe = await probeOf(page);
    const net = networkFromJson(probe.json);
    expect(net.layers.filter((l) => l.kind === "dense").map((l) => (l.kind === "dense" ? l.outSize : 0))).toEqual([8, 8, 3]);
    expect(await shown(page, "region-count")).toBe(sliceRegions(net, identity, { polygon: squareOf(probe.window), details: false }).count);
    // Shift-drag across the canvas: the knots shown are the line lens's on that segment.
    const box = (await page.locator("#tab-playground canvas.plane").boundingBox())!;
    await page.keyboard.down("Shift");
    await page.mouse.move(box.x + 40, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 50, box.y + box.height - 70, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up("Shift");
    const line = await page.evaluate(() => (window as unknown as { studio: { playground: { plane: { line: number[] } } } }).studio.playground.plane.line);
    const lens = lineRegions(net, { points: [Float64Array.of(line[0]!, line[1]!), Float64Array.of(line[2]!, line[3]!)] }, { details: false });
    expect(await page.textContent("#knots")).toBe(`${lens.knots.length} knots, ${lens.count} regions crossed`);
    expect(lens.knots.length).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, "playground-csv-line.png") });
    await page.click("#copy-link");
    const link = await page.inputValue("#link");
    expect(link).toContain("px=");
    const again = await open(link);
    expect(await again.inputValue("#data-set")).toBe("csv");
    expect(await shown(again, "region-count")).toBe(await shown(page, "region-count"));
    expect(await again.textContent("#knots")).toBe(await page.textContent("#knots"));
    await page.close(); await again.close();
  }, 600_000);

  it("serves nothing but the page and the named files: traversal is 404 on the live server", async () => {
    for (const p of ["/../package.json", "/%2e%2e/package.json", "/assets/../../package.json", "/package.json", "/src/index.ts", "/files/../package.json", "/node_modules/vite/package.json"]) {
      expect([p, await status(url, p)]).toEqual([p, 404]);
    }
    expect(await status(url, "/")).toBe(200);
  });

  it("explores a run folder: the snapshot slider moves through training, each slice exact", async () => {
    const run = path.join(dir, "run");
    const r = await netsize(["train", "--arch", "2-8-8-2", "--data", "moons:n=200", "--epochs", "4", "--snapshot-every", "1", "--backend", "cpu", "--out", run, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const runUrl = await studio([run]);
    const page = await open(runUrl);
    await page.evaluate(() => (window as unknown as { studio: { explorer: { ready: Promise<void> } } }).studio.explorer.ready);
    const slider = page.locator("#snapshot");
    expect(await slider.getAttribute("max")).toBe("4");
    for (const i of [0, 2, 4]) {
      await slider.fill(String(i));
      await page.waitForFunction((i) => document.getElementById("snapshot-name")!.textContent!.includes(`epoch ${i},`), i);
      await page.waitForFunction(() => document.getElementById("ex-count") !== null);
      const { plane, window: w } = await slicePlane(page);
      const snap = await loadNetwork(path.join(run, "snapshots", `epoch-${String(i).padStart(4, "0")}.json`));
      expect(await shown(page, "ex-count")).toBe(sliceRegions(snap, plane, { polygon: squareOf(w), details: false }).count);
    }
    await page.screenshot({ path: path.join(shots, "explorer-run.png") });
    await page.close();
  }, 600_000);

  it.skipIf(!HAVE_SHARED)("explores an MNIST slice of mnist-net_256x2 through three digits, exactly", async () => {
    const file = model("vnncomp2021/mnist-net_256x2.onnx");
    const u = await studio([file, "--points", "40"]);
    const page = await open(u);
    await page.evaluate(() => (window as unknown as { studio: { explorer: { ready: Promise<void> } } }).studio.explorer.ready);
    expect(await page.locator("#thumbs canvas").count()).toBe(40);
    expect(await page.locator("#thumbs canvas.picked").count()).toBe(3);
    const { plane, window: w } = await slicePlane(page);
    const exact = sliceRegions(await loadNetwork(file), plane, { polygon: squareOf(w), details: false });
    expect(await shown(page, "ex-count")).toBe(exact.count);
    expect(exact.count).toBeGreaterThan(1000);
    await page.mouse.move(700, 420);
    expect(await page.textContent("#ex-hover")).toMatch(/^region [\d,]+ of [\d,]+ · class \d/);
    // The partition came from the slice worker; pan (drag) and zoom (wheel) recompute it exactly for the new window.
    expect(await page.evaluate(() => Boolean((window as unknown as { studio: { explorer: { worker?: unknown } } }).studio.explorer.worker))).toBe(true);
    const canvas = (await page.locator("#tab-model canvas.plane").boundingBox())!;
    await page.mouse.move(canvas.x + 300, canvas.y + 300);
    await page.mouse.down();
    await page.mouse.move(canvas.x + 420, canvas.y + 240, { steps: 4 });
    await page.mouse.up();
    await page.mouse.wheel(0, 300);
    await page.waitForFunction(() => document.getElementById("ex-message")!.textContent === "", null, { timeout: 120_000 });
    await page.waitForTimeout(300);
    await page.waitForFunction(() => document.getElementById("ex-message")!.textContent === "", null, { timeout: 120_000 });
    const moved = await slicePlane(page);
    expect(moved.window).not.toEqual(w);
    expect(await shown(page, "ex-count")).toBe(sliceRegions(await loadNetwork(file), plane, { polygon: squareOf(moved.window), details: false }).count);
    await page.screenshot({ path: path.join(shots, "explorer-mnist.png") });
    await page.click("#tab-button-lenses");
    await page.click("#run-headline");
    await page.waitForSelector("#headline table", { timeout: 300_000 });
    expect(await page.textContent("#headline")).toContain("269,322 / 512");
    // Stable units on the data's range [0,1]^784 (CROWN in the page) and the exactly equal network, checked.
    expect(await page.textContent("#headline")).toMatch(/stable units on the domain\s*\d+ of 512/);
    expect(await page.textContent("#headline")).toMatch(/max \|f − f'\| \d/);
    await page.screenshot({ path: path.join(shots, "lenses-mnist.png"), fullPage: true });
    await page.close();
  }, 600_000);

  it("logged no console error in any page", () => {
    expect(errors).toEqual([]);
  });
});

afterAll(() => { for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL"); });
void rmSync;
