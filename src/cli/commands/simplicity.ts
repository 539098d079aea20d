// `netsize simplicity MODEL --data mnist`: prunability, dead/undead units, representation rank and GDV
// per layer; MODEL may be a run folder of `netsize train --out DIR`, then one row per snapshot.
import { DESCRIPTIONS } from "./descriptions.js";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { action } from "../errors.js";
import { runLens } from "../run-lens.js";
import { withProgress } from "../progress.js";
import { emitResult, fmtInt, formatTable, lensDefault, parseChoice, parseFloatBits, parseIntOption, parseNumberOption } from "../shared.js";
import { fail, printable } from "../../core/errors.js";
import type { Network } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";
import { simplicityLens } from "../../lenses/registry.js";
import type { SimplicityOptions, SimplicityResult } from "../../lenses/simplicity/index.js";
import { CommandFiles, OutputStage } from "../outputs.js";
import { addDataOptions, dataInputs, loadData as loadDataFromOptions } from "../data-options.js";
import { svgToPng } from "../../node/png.js";
import { renderPruneSvg } from "../../report/prune-svg.js";
import { dataSpec } from "./eval.js";

interface SimplicityCliOptions {
  data: string;
  split?: string;
  labelColumn?: string;
  labels?: string;
  measures?: string;
  delta?: string;
  grid?: string;
  layerwise?: boolean;
  curvePoints?: string;
  certify?: string;
  certifyTimeLimit?: string;
  gdvPerClass?: string;
  rankTol?: string;
  float?: string;
  chunk?: string;
  json?: string | boolean;
  png?: string;
  svg?: string;
  quiet?: boolean;
}

const O = simplicityLens.options;

function lensOptions(opts: SimplicityCliOptions): SimplicityOptions {
  const num = (v: string | undefined, name: string): number | undefined => parseNumberOption(v, name);
  const certify = parseChoice(opts.certify, "--certify", ["ibp", "crown", "lp", "milp", "none"] as const);
  const o: SimplicityOptions = {
    ...(opts.measures !== undefined ? { measures: opts.measures } : {}),
    ...(opts.delta !== undefined ? { delta: num(opts.delta, "--delta")! } : {}),
    ...(opts.grid !== undefined ? { grid: num(opts.grid, "--grid")! } : {}),
    ...(opts.layerwise ? { layerwise: true } : {}),
    ...(opts.curvePoints !== undefined ? { curvePoints: parseIntOption(opts.curvePoints, "--curve-points", { min: 0 })! } : {}),
    ...(certify ? { certify } : {}),
    ...(opts.certifyTimeLimit !== undefined ? { certifyTimeLimit: num(opts.certifyTimeLimit, "--certify-time-limit")! } : {}),
    ...(opts.gdvPerClass !== undefined ? { gdvPerClass: parseIntOption(opts.gdvPerClass, "--gdv-per-class", { min: 2 })! } : {}),
    ...(opts.rankTol !== undefined ? { rankTol: num(opts.rankTol, "--rank-tol")! } : {}),
    float: parseFloatBits(opts.float),
  };
  const chunk = parseIntOption(opts.chunk, "--chunk", { min: 1 });
  if (chunk) o.chunkSize = chunk;
  return o;
}

const f4 = (x: number | null | undefined): string => (x === null || x === undefined ? "" : x.toFixed(4));
const f2 = (x: number | null | undefined): string => (x === null || x === undefined ? "" : x.toFixed(2));

/** The human summary of one result: prunability, then one row per layer (units, representations, GDV), then the weights. */
export function renderSimplicity(r: SimplicityResult, what: string): string {
  let text = `simplicity of ${printable(what, 120)} on ${printable(r.data, 80)} (${fmtInt(r.samples)} samples), ${r.engine} float${String(r.options.float)}, ${(r.timings.total / 1000).toFixed(1)} s\n`;
  const p = r.prunability;
  if (p) {
    text += `prunability ρ* = ${p.rhoStar} (${fmtInt(p.keptAtRhoStar)} of ${fmtInt(p.weights)} weights kept${r.options.layerwise ? ", per layer" : ""}; ${p.loss} ${p.lossFull.toFixed(4)} at ρ = 1, threshold ${p.threshold.toFixed(4)} = (1 + ${String(r.options.delta)})·loss(1); ${p.steps} bisection steps in ${(p.ms.bisection / 1000).toFixed(2)} s)\n`;
    if (p.belowRhoStarPassing > 0) text += `  note: ${p.belowRhoStarPassing} curve point(s) below ρ* also meet the threshold (the loss is not monotone in ρ)\n`;
  }
  const rows: string[][] = [];
  const gdvOf = (key: number | "input" | "output"): string => f4(r.gdv?.layers.find((g) => g.layer === key)?.gdv);
  if (r.gdv) rows.push(["input", "", "", "", "", "", "", "", "", gdvOf("input")]);
  const layerIds = new Set<number>([...(r.units?.layers ?? []).map((u) => u.layer), ...(r.representations?.layers ?? []).map((x) => x.layer)]);
  for (const li of [...layerIds].sort((a, b) => a - b)) {
    const u = r.units?.layers.find((x) => x.layer === li), rep = r.representations?.layers.find((x) => x.layer === li);
    const cert = (n: number, c: number | undefined): string => (c === undefined ? `${n}` : `${n} (${c})`);
    rows.push([
      printable(u?.name ?? rep?.name ?? String(li), 40), String(u?.units ?? rep?.units ?? ""),
      u ? cert(u.dead, u.certified?.dead) : "", u ? cert(u.undead, u.certified?.undead) : "",
      u?.closestDead !== null && u?.closestDead !== undefined ? u.closestDead.toExponential(1) : "",
      rep ? f4(rep.sparsity) : "", rep ? String(rep.rank) : "", rep ? f2(rep.effectiveRank) : "", rep ? f4(rep.correlation) : "", gdvOf(li),
    ]);
  }
  if (r.gdv) rows.push(["logits", "", "", "", "", "", "", "", "", gdvOf("output")]);
  if (rows.length) {
    text += formatTable(["layer", "units", "dead (cert.)", "undead (cert.)", "dead margin", "sparsity", "rank", "eff. rank", "mean |ρ|", "GDV"], rows);
    if (r.units?.certification) text += `(cert.) = certified by ${r.units.certification.method} on the ${printable(r.units.certification.box, 80)}; the rest of the dead/undead units are only observed\n`;
    if (r.representations) text += `rank tolerance: ${r.representations.rankTolerance}${r.gdv ? `; GDV on the first ${r.gdv.perClass} samples of each class (${fmtInt(r.gdv.points)} points)` : ""}\n`;
  }
  if (r.representations?.weights.length) {
    text += `weights: ${r.representations.weights.map((w) => `${printable(w.name, 40)} ${w.rows}×${w.cols} rank ${w.rank}, eff. ${w.effectiveRank.toFixed(2)}`).join("; ")}\n`;
  }
  return text;
}

/** The snapshot networks of a run folder (DIR/snapshots/*.json), by name. */
export function runSnapshots(dir: string): { name: string; file: string }[] {
  const snap = path.join(dir, "snapshots");
  let names: string[];
  try { names = readdirSync(snap); } catch { fail("BAD_ARGUMENT", `'${printable(dir, 120)}' is a folder but has no snapshots/ folder; give a model file or a run folder of netsize train --out DIR`); }
  const files = names.filter((n) => n.endsWith(".json") && n !== "index.json").sort();
  if (files.length === 0) fail("BAD_ARGUMENT", `${printable(snap, 120)} holds no snapshot *.json; train with JSON snapshots or give one model file`);
  return files.map((n) => ({ name: n.replace(/\.json$/, ""), file: path.join(snap, n) }));
}

/** One row per snapshot of a run: ρ*, dead and undead units, rank and GDV per layer ("a/b" over the hidden layers). */
export function renderSeries(rows: { name: string; result: SimplicityResult }[], dir: string): string {
  const per = <T>(xs: T[] | undefined, f: (x: T) => string): string => (xs ? xs.map(f).join("/") : "");
  const r0 = rows[0]!.result;
  let text = `simplicity of run ${printable(dir, 120)} on ${printable(r0.data, 80)} (${fmtInt(r0.samples)} samples), ${rows.length} snapshots; per-layer figures are hidden layers in order, a/b/...\n`;
  text += formatTable(["snapshot", "ρ*", "dead", "undead", "rank", "eff. rank", "GDV hidden", "GDV logits"], rows.map(({ name, result: r }) => [
    printable(name, 40), r.prunability ? String(r.prunability.rhoStar) : "",
    per(r.units?.layers, (u) => String(u.dead)), per(r.units?.layers, (u) => String(u.undead)),
    per(r.representations?.layers, (x) => String(x.rank)), per(r.representations?.layers, (x) => x.effectiveRank.toFixed(1)),
    per(r.gdv?.layers.filter((g) => typeof g.layer === "number"), (g) => g.gdv.toFixed(3)), f4(r.gdv?.layers.find((g) => g.layer === "output")?.gdv),
  ]));
  return text;
}

async function measure(net: Network, ds: Dataset, o: SimplicityOptions, quiet: boolean, label: string): Promise<SimplicityResult> {
  return withProgress(label, { quiet }, (onProgress) => runLens("simplicity", net, ds, o, { onProgress, engine: "onnxruntime" }));
}

/** Register `netsize simplicity MODEL|RUN_DIR [--data mnist|FILE] [--json [file]] [--png FILE] [--svg FILE]`. */
export function register(program: Command): void {
  const cmd = program
    .command("simplicity")
    .description(DESCRIPTIONS.simplicity)
    .argument("<model>", "ONNX or netsize JSON model, or a run folder of netsize train --out DIR (one row per snapshot)")
    ;
  addDataOptions(cmd, "labelled data the measures run on", "mnist")
    .option("--split <part>", "mnist part: all (default, 10,000 digits), train (8,000) or test (2,000)")
    .option("--measures <list>", O.measures.description, lensDefault(O.measures))
    .option("--delta <δ>", O.delta.description, lensDefault(O.delta))
    .option("--grid <step>", O.grid.description, lensDefault(O.grid))
    .option("--layerwise", O.layerwise.description)
    .option("--curve-points <n>", O.curvePoints.description, lensDefault(O.curvePoints))
    .option("--certify <method>", O.certify.description, lensDefault(O.certify))
    .option("--certify-time-limit <s>", O.certifyTimeLimit.description, lensDefault(O.certifyTimeLimit))
    .option("--gdv-per-class <n>", O.gdvPerClass.description, lensDefault(O.gdvPerClass))
    .option("--rank-tol <tol>", O.rankTol.description)
    .option("--float <bits>", O.float.description, lensDefault(O.float))
    .option("--chunk <n>", O.chunkSize.description)
    .option("--json [file]", "write the result JSON (schema netsize.simplicity/1; netsize.simplicity.series/1 for a run folder) to a file, or stdout without one")
    .option("--png <file>", "the prunability curve (loss and accuracy against ρ) as PNG")
    .option("--svg <file>", "the prunability curve as SVG")
    .option("--quiet", "no progress bar")
    .action(
      action(async (model: string, opts: SimplicityCliOptions) => {
        const spec = dataSpec(opts.data, opts.split);
        const o = lensOptions(opts);
        const isRun = statSync(model, { throwIfNoEntry: false })?.isDirectory() === true;
        const files = new CommandFiles(
          [{ option: "model", file: isRun ? undefined : model }, ...dataInputs(opts)],
          [{ option: "--json", file: opts.json }, { option: "--png", file: opts.png }, { option: "--svg", file: opts.svg }],
        );
        const loadData = (): Dataset => loadDataFromOptions(opts, spec);
        const quiet = opts.quiet ?? false;
        if (isRun) {
          if (opts.png !== undefined || opts.svg !== undefined) fail("BAD_ARGUMENT", "--png/--svg draw one model's prunability curve; give a snapshot file (DIR/snapshots/NAME.json) instead of the run folder");
          const snaps = runSnapshots(model);
          const nets = [];
          for (const s of snaps) nets.push({ ...s, net: await files.loadNetwork(s.file) });
          const ds = loadData();
          const rows: { name: string; file: string; result: SimplicityResult }[] = [];
          for (const s of nets) rows.push({ name: s.name, file: s.file, result: await measure(s.net, ds, o, quiet, `simplicity ${s.name}`) });
          const series = { schema: "netsize.simplicity.series/1", run: model, data: ds.name, snapshots: rows };
          await emitResult({ json: opts.json, quiet: true }, series, renderSeries(rows, model));
          return;
        }
        const net = await files.loadNetwork(model);
        const ds = loadData();
        const r = await measure(net, ds, o, quiet, "simplicity");
        const stage = new OutputStage();
        if (opts.png !== undefined || opts.svg !== undefined) {
          if (!r.prunability) fail("BAD_ARGUMENT", "--png/--svg draw the prunability curve; include prunability in --measures");
          const svg = await renderPruneSvg(r);
          if (opts.svg !== undefined) await stage.put(opts.svg, svg);
          if (opts.png !== undefined) await stage.put(opts.png, svgToPng(svg));
        }
        await emitResult({ json: opts.json, quiet: true, stage }, { ...r, model }, renderSimplicity(r, path.basename(model)));
      }),
    );
}
