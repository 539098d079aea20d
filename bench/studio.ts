// Benchmark: the studio's exact redraw in a real page (Debian's chromium, driven by Playwright)
// against a Playground-style redraw of the same network — the class at the centre of each cell of a
// 100 × 100 grid (10,000 forward passes), drawn — for 2-8-8-2, 2-16-16-16-2 and 2-64-64-2 networks
// trained a few hundred steps on moons in the page. Each redraw reads the weights from TensorFlow.js,
// computes, and paints the canvas; medians of interleaved repeats; frames per second and the ratio.
// Goal (issue 14): the exact redraw of 2-16-16-16-2 at ≥ 20 frames per second on a 2-core machine.
//
//   npx tsx bench/studio.ts [--steps 300] [--reps 30]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { loadLine } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const STEPS = Number(opt("--steps", "300")), REPS = Number(opt("--reps", "30"));
const ARCHS = [["8", "8"], ["16", "16", "16"], ["64", "64"]];

const child = spawn(process.execPath, [path.join(ROOT, "bin/netsize.js"), "studio"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise<string>((resolve, reject) => {
  let out = "";
  child.stdout!.on("data", (d: Buffer) => { out += d.toString(); const m = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out); if (m) resolve(m[1]!); });
  child.on("exit", (c) => reject(new Error(`netsize studio exited (${c})`)));
});
const dir = mkdtempSync(path.join(os.tmpdir(), "bench-studio-"));
const ctx = await chromium.launchPersistentContext(dir, {
  executablePath: "/usr/bin/chromium", headless: true, viewport: { width: 1320, height: 800 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const version = ctx.browser()?.version() ?? (await (async () => { const p = await ctx.newPage(); const v = await p.evaluate(() => navigator.userAgent); await p.close(); return v.match(/Chrome\/[\d.]+/)?.[0] ?? v; })());
console.log(`studio redraw benchmark: ${version}, headless, software canvas (--disable-gpu); ${STEPS} training steps on moons, median of ${REPS} interleaved redraws`);
console.log(loadLine());
console.log("network        regions   exact redraw        sampled 100×100 (Playground)   exact / sampled");
try {
  for (const hidden of ARCHS) {
    const page = await ctx.newPage();
    await page.goto(`${url}#data=moons:n=200,noise=0.1&h=${hidden.join(",")}&act=relu&lr=0.03&batch=10&seed=1&every=50`);
    await page.waitForSelector("body[data-ready='1']", { timeout: 300_000 });
    type Pg = { trainTo(n: number): Promise<void>; benchRedraw(r: number): { exactMs: number; sampledMs: number; regions: number; partitionMs: number; drawMs: number } };
    await page.evaluate((n) => (window as unknown as { studio: { playground: Pg } }).studio.playground.trainTo(n), STEPS);
    const r = await page.evaluate((reps) => (window as unknown as { studio: { playground: Pg } }).studio.playground.benchRedraw(reps), REPS);
    const name = `2-${hidden.join("-")}-2`.padEnd(14);
    console.log(`${name} ${String(r.regions).padStart(7)}   ${r.exactMs.toFixed(2).padStart(7)} ms ${(1000 / r.exactMs).toFixed(0).padStart(5)} fps   ${r.sampledMs.toFixed(2).padStart(7)} ms ${(1000 / r.sampledMs).toFixed(0).padStart(5)} fps            ${(r.exactMs / r.sampledMs).toFixed(2)}× the time   (partition ${r.partitionMs.toFixed(1)} ms, canvas ${r.drawMs.toFixed(1)} ms)`);
    await page.close();
  }
} finally {
  await ctx.close();
  child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
