// `netsize condensation MODEL|RUN`: onto how many lines and orientations the hidden neurons gather
// (Zhou et al.), the merged smaller network for a model, and the time course over a run folder.
import { DESCRIPTIONS } from "./descriptions.js";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { action } from "../errors.js";
import { runLens } from "../run-lens.js";
import { withProgress } from "../progress.js";
import { emitResult, lensDefault, parseChoice, parseIntOption, parseNumberOption } from "../shared.js";
import { CommandFiles, OutputStage } from "../outputs.js";
import { fail } from "../../core/errors.js";
import { encodeNetwork } from "../../core/io/index.js";
import { Dataset } from "../../data/dataset.js";
import { isSyntheticSpec, syntheticDataset } from "../../data/synthetic.js";
import { condensationLens } from "../../lenses/registry.js";
import type { ClusterRule, CondensationOptions, RunSnapshot } from "../../lenses/condensation/index.js";
import { loadDataset } from "../../node/data.js";
import { loadNetwork, readTextFile } from "../../node/files.js";
import { svgToPng } from "../../node/png.js";
import { renderCondensationStripSvg, renderFeatureSvg } from "../../report/condensation-svg.js";
import { resolveTrainData } from "../../train/data.js";
import { modelSummary, runSummary } from "./condensation-print.js";

interface CondensationCliOptions {
  layer?: string; threshold?: string; thresholds?: string; rule?: string; minShare?: string; normCut?: string; traceShare?: string;
  data?: string; labelColumn?: string; steps?: string; order?: string;
  png?: string; svg?: string; featuresPng?: string; featuresSvg?: string; merged?: string;
  json?: string | boolean; quiet?: boolean;
}

const O = condensationLens.options;

function lensOptions(o: CondensationCliOptions): CondensationOptions {
  const num = (v: string | undefined, flag: string): number | undefined => parseNumberOption(v, flag);
  const r: CondensationOptions = {};
  const set = <K extends keyof CondensationOptions>(k: K, v: CondensationOptions[K] | undefined): void => { if (v !== undefined) r[k] = v; };
  set("layer", o.layer);
  set("threshold", num(o.threshold, "--threshold"));
  if (o.thresholds !== undefined) r.thresholds = o.thresholds.split(",").map((t) => num(t.trim(), "--thresholds")!);
  set("rule", parseChoice(o.rule, "--rule", ["greedy", "complete"] as const) as ClusterRule | undefined);
  set("minShare", num(o.minShare, "--min-share"));
  set("normCut", num(o.normCut, "--norm-cut"));
  set("traceShare", num(o.traceShare, "--trace-share"));
  return r;
}

/** A --data spec: a synthetic set (sine5d, moons:n=500, …), mnist[:part] or a CSV/NPY file. */
function loadData(spec: string, labelColumn: string | undefined): Dataset {
  if (isSyntheticSpec(spec)) return syntheticDataset(spec);
  return loadDataset(spec, labelColumn !== undefined ? { labelColumn } : {});
}

function isRunFolder(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

interface SnapshotIndexEntry { name: string; epoch: number; step: number; files: string[] }

/** The snapshots of a run folder (DIR/snapshots/index.json), optionally only those at the given steps. */
async function readRun(dir: string, steps: number[] | undefined): Promise<{ snapshots: RunSnapshot[]; config: Record<string, unknown> }> {
  const indexFile = path.join(dir, "snapshots", "index.json");
  if (!existsSync(indexFile)) fail("BAD_ARGUMENT", `${dir} is a folder but not a run folder: ${indexFile} is missing (make one with netsize train --out ${dir})`);
  let index: SnapshotIndexEntry[], config: Record<string, unknown> = {};
  try {
    index = JSON.parse(readTextFile(indexFile, "the run's snapshot index")) as SnapshotIndexEntry[];
    const cf = path.join(dir, "config.json");
    if (existsSync(cf)) config = JSON.parse(readTextFile(cf, "the run's settings")) as Record<string, unknown>;
  } catch (e) {
    return fail("BAD_DATA", `unreadable run folder: ${(e as Error).message}`, { file: indexFile });
  }
  if (!Array.isArray(index) || index.length === 0) fail("BAD_DATA", "the run has no snapshots", { file: indexFile });
  const chosen = steps ? index.filter((s) => steps.includes(s.step)) : index;
  if (steps && chosen.length !== new Set(steps).size) {
    fail("BAD_ARGUMENT", `--steps ${steps.join(",")}: the run has snapshots at steps ${index.map((s) => s.step).join(", ")}`);
  }
  const snapshots: RunSnapshot[] = [];
  for (const s of chosen.sort((a, b) => a.step - b.step)) {
    const file = s.files.find((f) => f.endsWith(".json")) ?? s.files[0];
    if (!file) fail("BAD_DATA", `snapshot ${s.name} lists no file`, { file: indexFile });
    snapshots.push({ name: s.name, epoch: s.epoch, step: s.step, network: await loadNetwork(path.join(dir, file)) });
  }
  return { snapshots, config };
}

async function pictures(stage: OutputStage, o: CondensationCliOptions, strip: () => string, features: (() => string) | undefined): Promise<string[]> {
  const wrote: string[] = [];
  if (o.png || o.svg) {
    const svg = strip();
    if (o.svg) { await stage.put(o.svg, svg); wrote.push(o.svg); }
    if (o.png) { await stage.put(o.png, svgToPng(svg)); wrote.push(o.png); }
  }
  if (o.featuresPng || o.featuresSvg) {
    if (!features) fail("BAD_ARGUMENT", "--features-png/--features-svg need a layer with one input and one output (the authors' 1-D setup)");
    const svg = features();
    if (o.featuresSvg) { await stage.put(o.featuresSvg, svg); wrote.push(o.featuresSvg); }
    if (o.featuresPng) { await stage.put(o.featuresPng, svgToPng(svg)); wrote.push(o.featuresPng); }
  }
  return wrote;
}

/** Register `netsize condensation`. */
export function register(program: Command): void {
  program
    .command("condensation")
    .description(DESCRIPTIONS.condensation)
    .argument("<model|run>", "ONNX or netsize JSON model, or a run folder made by netsize train --out")
    .option("--layer <name|index>", O.layer.description)
    .option("--threshold <tau>", O.threshold.description, lensDefault(O.threshold))
    .option("--thresholds <list>", O.thresholds.description, (O.thresholds.default ?? []).join(","))
    .option("--rule <rule>", O.rule.description, lensDefault(O.rule))
    .option("--min-share <s>", O.minShare.description, lensDefault(O.minShare))
    .option("--norm-cut <c>", O.normCut.description, lensDefault(O.normCut))
    .option("--trace-share <s>", O.traceShare.description, lensDefault(O.traceShare))
    .option("--data <spec>", "data for the merged network's error (a model) or the loss per snapshot (a run; default the run's training data): a synthetic set (sine5d, sine1d, …), mnist[:train|test], or a CSV/NPY file")
    .option("--label-column <col>", "label column of a CSV/NPY --data file")
    .option("--steps <list>", "a run: only the snapshots at these steps, e.g. 0,100,300")
    .option("--order <how>", "heatmap order: eigenvector (the authors') or cluster", "eigenvector")
    .option("--png <file>", "cosine heatmap(s) as PNG: each layer of a model, or one frame per snapshot of a run")
    .option("--svg <file>", "the same heatmap(s) as SVG")
    .option("--features-png <file>", "1-D input: the feature plot θ_k against A_k = a_k·‖u_k‖ (PNG)")
    .option("--features-svg <file>", "the feature plot as SVG")
    .option("--merged <file>", "a model: write the merged network (each counted orientation one neuron; .onnx or .json)")
    .option("--json [file]", "write the result JSON (netsize.condensation/1 or netsize.condensation.run/1) to a file, or stdout without one")
    .option("--quiet", "no progress bar")
    .action(
      action(async (target: string, o: CondensationCliOptions) => {
        const order = parseChoice(o.order, "--order", ["eigenvector", "cluster"] as const) ?? "eigenvector";
        const steps = o.steps?.split(",").filter((s) => s.trim()).map((s) => parseIntOption(s.trim(), "--steps", { min: 0 })!);
        const opts = lensOptions(o);
        const outputs = [{ option: "--json", file: o.json }, { option: "--png", file: o.png }, { option: "--svg", file: o.svg },
          { option: "--features-png", file: o.featuresPng }, { option: "--features-svg", file: o.featuresSvg }, { option: "--merged", file: o.merged }];
        const stage = new OutputStage();
        if (isRunFolder(target)) {
          if (o.merged) fail("BAD_ARGUMENT", "--merged applies to one model; give a snapshot file (RUN/snapshots/NAME.json) instead of the run folder");
          new CommandFiles([{ option: "--data file", file: o.data }, { option: "run index", file: path.join(target, "snapshots", "index.json") }], outputs);
          const { snapshots, config } = await readRun(target, steps);
          const dataSpec = o.data ?? (typeof config.data === "string" ? config.data : undefined);
          const data = o.data ? loadData(o.data, o.labelColumn) : dataSpec ? resolveTrainData(dataSpec, undefined, typeof config.labelColumn === "string" ? config.labelColumn : undefined).train : undefined;
          const r = await withProgress("condensation", { quiet: o.quiet ?? false }, (onProgress) =>
            runLens("condensation.run", snapshots[snapshots.length - 1]!.network, { snapshots, ...(data ? { data } : {}) }, opts, { onProgress, engine: "onnxruntime" }));
          const frames = r.frames.map((f) => ({ title: `step ${f.step}${f.loss !== undefined ? ` · loss ${f.loss.toPrecision(3)}` : ""}`, layer: f.layer }));
          const act = r.frames[0]!.layer.activation;
          const title = `${path.basename(path.resolve(target))}: ${r.layer} (${act}), ${opts.rule ?? O.rule.default} rule, τ = ${opts.threshold ?? O.threshold.default}`;
          const wrote = await pictures(stage, o, () => renderCondensationStripSvg(frames, { order, title }),
            r.frames.some((f) => f.layer.features) ? () => renderFeatureSvg(frames, { title }) : undefined);
          await emitResult({ json: o.json, stage }, { ...r, run: target }, runSummary(r, target) + wrote.map((w) => `wrote ${w}\n`).join(""));
          return;
        }
        const files = new CommandFiles([{ option: "model", file: target }, { option: "--data file", file: o.data }], outputs);
        if (o.merged && ![".onnx", ".json"].includes(path.extname(o.merged).toLowerCase())) fail("BAD_ARGUMENT", `--merged must end in .onnx or .json, got '${o.merged}'`);
        if (steps) fail("BAD_ARGUMENT", "--steps applies to a run folder");
        const net = await files.loadNetwork(target);
        const data = o.data ? loadData(o.data, o.labelColumn) : undefined;
        const r = await withProgress("condensation", { quiet: o.quiet ?? false }, (onProgress) =>
          runLens("condensation", net, data, opts, { onProgress, engine: "onnxruntime" }));
        const frames = r.layers.map((l) => ({ title: `${l.layer} (${l.activation})`, layer: l }));
        const title = `${path.basename(target)}: ${opts.rule ?? O.rule.default} rule, τ = ${opts.threshold ?? O.threshold.default}`;
        const wrote = await pictures(stage, o, () => renderCondensationStripSvg(frames, { order, title, size: 300 }),
          r.layers.some((l) => l.features) ? () => renderFeatureSvg(frames, { title }) : undefined);
        if (o.merged) {
          if (!r.mergedNetwork) fail("BAD_ARGUMENT", "no layer could be merged (only dense → activation → dense layers can)");
          await stage.put(o.merged, encodeNetwork(r.mergedNetwork, o.merged, { format: path.extname(o.merged).toLowerCase() === ".onnx" ? "onnx" : "json" }));
          wrote.push(o.merged);
        }
        await emitResult({ json: o.json, stage }, { ...r, model: target }, modelSummary(r, target) + wrote.map((w) => `wrote ${w}\n`).join(""));
      }),
    );
}
