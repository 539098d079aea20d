// `netsize report MODEL|RUN [--data D] [--box SPEC|--vnnlib FILE|--ball EPS] -o report.html`: every lens
// that applies, each within its budget, in one self-contained HTML page and one JSON file.
import { DESCRIPTIONS } from "./descriptions.js";
import path from "node:path";
import { existsSync, statSync } from "node:fs";
import { Command } from "commander";
import { Box, makeBox, uniformBox } from "../../core/domain.js";
import { fail } from "../../core/errors.js";
import { inputSize, type Network } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";
import type { InfoResult } from "../../lenses/info/index.js";
import { infoOf } from "../../lenses/info/index.js";
import { svgToPng } from "../../node/png.js";
import { readTextFile } from "../../node/files.js";
import { reportHtml, reportJson, type ReportInput } from "../../report/assemble.js";
import { headlineRows } from "../../report/headline.js";
import { orderEntries, planReport, type ReportEntry } from "../../report/plan.js";
import { action } from "../errors.js";
import { withProgress } from "../progress.js";
import { ReportProgress, runJob } from "../report-runner.js";
import { fmtInt, parseIntOption } from "../shared.js";
import { CommandFiles, MAX_OUTPUT_BYTES, OutputStage } from "../outputs.js";
import { addDataOptions, dataInputs, loadData } from "../data-options.js";
import { DomainCliOptions, domainFromOptions } from "../domain.js";
import { readRun } from "../run-folder.js";
import { runPart } from "./report-run.js";

export interface ReportCliOptions extends DomainCliOptions {
  output: string;
  json?: string;
  budget?: string;
  quiet?: boolean;
}

/** The domain of stability and compression: the options' one, else the pixel box for mnist, else the data's bounding box. */
export function reportDomain(o: DomainCliOptions, n: number, data: Dataset | undefined): Box | undefined {
  if (o.box !== undefined || o.vnnlib !== undefined || o.ball !== undefined) return domainFromOptions(o, n).box;
  if (!data || data.x.length / Math.max(data.n, 1) !== n) return undefined;
  if (data.name.toLowerCase().startsWith("mnist")) return uniformBox(n, 0, 1, `[0,1]^${n} (the pixel range)`);
  const lo = new Float64Array(n).fill(Infinity), hi = new Float64Array(n).fill(-Infinity);
  for (let i = 0; i < data.n; i++) for (let k = 0; k < n; k++) { const v = data.x[i * n + k]!; if (v < lo[k]!) lo[k] = v; if (v > hi[k]!) hi[k] = v; }
  return makeBox(lo, hi, `the bounding box of ${data.name}`);
}

/** Run every applicable lens on one network (one progress bar over them); the entries in registry order. */
export async function reportEntries(net: Network, file: string, data: Dataset | undefined, box: Box | undefined, budget: number, bar: ReportProgress | ((total: number) => ReportProgress), extraJobs = 0): Promise<{ entries: ReportEntry[]; sliceLabels: string[]; plane: ReturnType<typeof planReport> }> {
  const plan = planReport(net, { file, ...(data ? { data } : {}), ...(box ? { box } : {}), budget });
  const progress = typeof bar === "function" ? bar(plan.jobs.length + extraJobs) : bar;
  const entries: ReportEntry[] = [...plan.skipped];
  for (const job of plan.jobs) entries.push(await runJob(net, job, progress.next(job.lens)));
  return { entries: orderEntries(entries), sliceLabels: plan.sliceLabels, plane: plan };
}

/** The short text summary: the headline rows and the skipped lenses. */
function summaryOf(input: ReportInput, html: string, htmlFile: string, jsonFile: string, seconds: number): string {
  const rows = headlineRows(input.info, new Map(input.entries.map((e) => [e.lens, e])));
  const strip = (s: string): string => s.replace(/<sup>(.*?)<\/sup>/g, "^$1").replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'");
  let s = rows.filter((r) => r.value !== "skipped").map((r) => `  ${r.measure.padEnd(44)} ${strip(r.value).padStart(24)}   ${strip(r.against)}`).join("\n") + "\n";
  for (const e of input.entries.filter((x) => x.status !== "ok")) s += `  skipped ${e.lens}: ${e.why}\n`;
  s += `wrote ${htmlFile} (${fmtInt(Buffer.byteLength(html))} bytes) and ${jsonFile} in ${seconds.toFixed(1)} s\n`;
  return s;
}

/** Register `netsize report`. */
export function register(program: Command): void {
  const cmd = program
    .command("report")
    .description(DESCRIPTIONS.report)
    .argument("<model|run>", "ONNX or netsize JSON model, or a run folder made by netsize train --out");
  addDataOptions(cmd, "data for eval, the slice's anchors, simplicity and condensation (a run: default its training data)")
    .option("--box <spec>", "domain of stability, compression and exact box regions: 'lo:hi', 'lo1:hi1,...' or a JSON/CSV/VNN-LIB file (default: [0,1]^784 for mnist, else the data's bounding box)")
    .option("--vnnlib <file>", "domain: the input box of a VNN-LIB property")
    .option("--ball <eps>", "domain: the L∞ ball of radius eps around --data point --index")
    .option("--index <i>", "with --ball: the data point at its centre")
    .option("--clip <lo:hi>", "with --ball: clip the ball (default 0:1 for mnist)")
    .requiredOption("-o, --output <file.html>", "the report page")
    .option("--json <file>", "the JSON of every result (default: the page's name with .json)")
    .option("--budget <seconds>", "time budget of each lens (lenses with a time limit get it; any lens is stopped shortly after)", "120")
    .option("--quiet", "no progress bar")
    .action(action(async (target: string, o: ReportCliOptions) => main(target, o)));
}

async function main(target: string, o: ReportCliOptions): Promise<void> {
  const t0 = performance.now();
  if (!/\.html?$/i.test(o.output)) fail("BAD_ARGUMENT", `-o ${o.output}: the report is an HTML page; name it *.html`);
  const jsonFile = o.json ?? o.output.replace(/\.html?$/i, ".json");
  const budget = parseIntOption(o.budget, "--budget", { min: 1 })!;
  const isRun = existsSync(target) && statSync(target).isDirectory();
  const files = new CommandFiles([{ option: "model", file: isRun ? path.join(target, "snapshots", "index.json") : target }, ...dataInputs(o), { option: "--vnnlib", file: o.vnnlib }],
    [{ option: "-o", file: o.output }, { option: "--json", file: jsonFile }]);
  let net: Network, file = target, snapshots: Awaited<ReturnType<typeof readRun>> | undefined;
  let dataSpec = o.data;
  if (isRun) {
    snapshots = await readRun(target, undefined);
    net = snapshots[snapshots.length - 1]!.network;
    file = `${target} (last snapshot, ${snapshots[snapshots.length - 1]!.name})`;
    if (dataSpec === undefined) {
      const cf = path.join(target, "config.json");
      const cfg = existsSync(cf) ? (JSON.parse(readTextFile(cf, "the run's settings")) as { data?: unknown }) : {};
      if (typeof cfg.data === "string") dataSpec = cfg.data;
    }
  } else net = await files.loadNetwork(target);
  const data = dataSpec !== undefined ? loadData({ ...o, data: dataSpec }) : undefined;
  if (data && data.x.length / Math.max(data.n, 1) !== inputSize(net)) fail("DOMAIN_MISMATCH", `data '${dataSpec}' has ${data.x.length / Math.max(data.n, 1)} features per sample, the network has ${inputSize(net)} inputs`);
  const box = reportDomain(o, inputSize(net), data);
  const info: InfoResult = infoOf(net, file);
  const input = await withProgress("report", { quiet: o.quiet ?? false }, async (onProgress) => {
    const runJobs = snapshots ? 2 * snapshots.length + 2 : 0;
    let progress: ReportProgress | undefined;
    const r = await reportEntries(net, file, data, box, budget, (total) => (progress = new ReportProgress(onProgress, total)), runJobs);
    const run = snapshots ? await runPart(target, snapshots, r.plane, box, data, budget, progress!) : undefined;
    progress!.finish();
    const rep: ReportInput = {
      title: `netsize report: ${path.basename(target)}`, model: file, info: (r.entries.find((e) => e.lens === "info" && e.status === "ok")?.result as InfoResult | undefined) ?? info,
      entries: snapshots ? r.entries.filter((e) => e.lens !== "condensation.run" && e.lens !== "graph.run") : r.entries, sliceLabels: r.sliceLabels,
      ...(data ? { data: `${data.name} (${fmtInt(data.n)} samples)` } : {}), ...(box ? { domain: box.source ?? "a box" } : {}),
      ...(run ? { run } : {}), generated: new Date().toISOString().replace(/\.\d+Z$/, "Z"), seconds: (performance.now() - t0) / 1000,
    };
    return rep;
  });
  const html = await reportHtml(input, { rasterize: (svg) => svgToPng(svg, { zoom: 1 }) });
  const stage = new OutputStage();
  await stage.put(o.output, html);
  await stage.putJson(jsonFile, reportJson(input), MAX_OUTPUT_BYTES, "the report's JSON holds every result in full; use a smaller --data or domain");
  stage.commit();
  process.stdout.write(summaryOf(input, html, o.output, jsonFile, (performance.now() - t0) / 1000));
}
