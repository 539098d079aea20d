// `netsize shallow MODEL --box SPEC [-o DIR]`: the exact shallow form of a network on a low-dimensional
// box (lattice max-min form and a maximum of one-hidden-layer ReLU networks), checked, with An et al.'s
// layer-by-layer counts; -o DIR writes every shallow term as a network and the whole form as one.
import { DESCRIPTIONS } from "./descriptions.js";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { Box, makeBox } from "../../core/domain.js";
import { fail, printable } from "../../core/errors.js";
import { encodeNetwork } from "../../core/io/index.js";
import { shallowLens } from "../../lenses/registry.js";
import { ShallowOptions, ShallowResult, shallowFormNetwork, shallowTermNetworks } from "../../lenses/shallow/index.js";
import { DomainCliOptions, domainFromOptions } from "../domain.js";
import { action } from "../errors.js";
import { CommandFiles, OutputStage, guardOutputFolder } from "../outputs.js";
import { withProgress } from "../progress.js";
import { runLens } from "../run-lens.js";
import { emitResult, fmtInt, formatTable, lensDefault, parseChoice, parseIntOption, parseNumberOption } from "../shared.js";
import { domainInputs } from "./stability.js";
import { inputSize } from "../../core/network.js";

interface ShallowCliOptions extends DomainCliOptions {
  free?: string;
  shrink?: string;
  target?: string;
  reference?: string;
  points?: string;
  seed?: string;
  maxRegions?: string;
  out?: string;
  format?: string;
  json?: string | boolean;
  quiet?: boolean;
}

const O = shallowLens.options;

/** The box with only the `free` inputs varying (the others fixed at the centre), their ranges scaled by `shrink` about the centre. */
export function subBox(box: Box, free: number[] | undefined, shrink: number): Box {
  const n = box.lower.length;
  for (const i of free ?? []) if (!(Number.isInteger(i) && i >= 0 && i < n)) fail("BAD_ARGUMENT", `--free: input ${i} is not one of the box's ${n} inputs (0..${n - 1})`);
  if (!(shrink > 0 && shrink <= 1)) fail("BAD_ARGUMENT", `--shrink must be in (0, 1], got ${shrink}`);
  const lo = new Float64Array(n), hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = box.lower[i]! / 2 + box.upper[i]! / 2, h = box.upper[i]! / 2 - box.lower[i]! / 2;
    const keep = free === undefined || free.includes(i);
    lo[i] = keep ? c - shrink * h : c;
    hi[i] = keep ? c + shrink * h : c;
  }
  const what = `${free ? `inputs ${free.join(",")} of ` : ""}${box.source ?? "the box"}${shrink < 1 ? ` (×${shrink} about the centre)` : ""}${free ? ", others at the centre" : ""}`;
  return makeBox(lo, hi, what);
}

const e = (v: number | null | undefined): string => (v === null || v === undefined ? "-" : v.toExponential(1));

/** The human summary: per target the size of each form and its check, then An et al.'s counts. */
export function renderShallow(r: ShallowResult, model: string): string {
  let text = `shallow form of ${printable(model, 120)} on ${printable(r.box.source ?? "the box", 120)} (free inputs ${r.freeInputs.join(",")}): ${fmtInt(r.regions)} linear regions, ${(r.timings.total / 1000).toFixed(1)} s\n`;
  text += `original: ${fmtInt(r.original.hiddenUnits)} hidden units (${r.original.widths.join("-")}), ${fmtInt(r.original.params)} parameters\n\n`;
  text += formatTable(["target", "pieces", "lattice terms", "shallow terms", "hidden units", "largest term (units)", "max |f − shallow|", "max |f − lattice|"],
    r.targets.map((t) => [t.name, t.pieces, t.latticeTerms, t.shallowTerms, fmtInt(t.hiddenUnits), t.maxSet + 1, e(t.maxAbsDiff), e(t.maxAbsDiffLattice)]));
  const c = r.check;
  text += `total: ${fmtInt(r.totals.shallowTerms)} one-hidden-layer terms with ${fmtInt(r.totals.hiddenUnits)} hidden units; ${fmtInt(r.totals.latticeTerms)} lattice terms\n`;
  text += `check on ${fmtInt(c.randomPoints)} random points + ${fmtInt(c.regionPoints)} region interior points: max |f − f'| = ${e(c.maxAbsDiff)}, netsize forward of the term networks vs the fast evaluator ${e(c.maxAbsDiffForward)}, combined network ${c.maxAbsDiffCombined === null ? "not built (too large)" : e(c.maxAbsDiffCombined)} — ${c.passed ? "PASSED" : "FAILED"} (tolerance ${r.tolerance.equivalence})\n`;
  const a = r.an;
  text += `An et al. layer by layer: ${a.gatings === null ? `2^${a.gatingsLog2.toFixed(0)}` : fmtInt(a.gatings)} gated shallow networks of ${a.unitsPerNetwork} units each (all gatings of unit layers 2..L); ${a.realisedGatings ?? "?"} gatings occur on this box\n`;
  if (a.twoLayer) {
    text += `  two hidden layers: ${a.twoLayer.perTarget.map((p, i) => `${r.targets[i]!.name}: max of 2^${p.positive} of min of 2^${p.negative}`).join("; ")}`;
    text += a.twoLayer.evaluated ? `; explicit form checked on ${fmtInt(a.twoLayer.points ?? 0)} points, max diff ${e(a.twoLayer.maxAbsDiff)}\n` : " (too many to evaluate)\n";
  }
  text += `times: regions ${(r.timings.regions! / 1000).toFixed(2)} s, sets ${(r.timings.sets! / 1000).toFixed(2)} s, check ${(r.timings.check! / 1000).toFixed(2)} s\n`;
  return text;
}

/** Register `netsize shallow`. */
export function register(program: Command): void {
  program
    .command("shallow")
    .description(DESCRIPTIONS.shallow)
    .argument("<model>", "ONNX or netsize JSON model")
    .option("--box <spec>", "input box: 'lo:hi' for every input, 'lo1:hi1,lo2:hi2,...' per input (lo=hi fixes an input), or a .json/.csv/.vnnlib file")
    .option("--vnnlib <file>", "the input box of a VNN-LIB property")
    .option("--free <list>", "only these inputs vary (comma-separated indices); the others are fixed at the box centre")
    .option("--shrink <f>", "scale the free inputs' ranges by f about the centre (a small sub-box keeps the region count down)", "1")
    .option("--target <t>", O.target.description, lensDefault(O.target))
    .option("--reference <o>", O.reference.description, lensDefault(O.reference))
    .option("--points <n>", O.points.description, lensDefault(O.points))
    .option("--seed <n>", O.seed.description, lensDefault(O.seed))
    .option("--max-regions <n>", O.maxRegions.description, lensDefault(O.maxRegions))
    .option("-o, --out <dir>", "write the shallow form: DIR/shallow.onnx and .json (all terms, one max pool; when not too large) and DIR/terms/T-K.<format> (each term, a one-hidden-layer network)")
    .option("--format <f>", "format of the term networks: onnx or json", "onnx")
    .option("--json [file]", "write the result JSON (schema netsize.shallow/1) to a file, or stdout without one")
    .option("--quiet", "no progress bar")
    .action(action(async (model: string, opts: ShallowCliOptions) => {
      const format = parseChoice(opts.format, "--format", ["onnx", "json"] as const)!;
      const files = new CommandFiles(domainInputs(model, opts), [{ option: "--json", file: opts.json }]);
      const net = await files.loadNetwork(model);
      const domain = domainFromOptions({ ...opts, ball: undefined }, inputSize(net));
      const free = opts.free?.split(",").map((s) => parseIntOption(s.trim(), "--free", { min: 0 })!);
      const box = subBox(domain.box, free, parseNumberOption(opts.shrink, "--shrink")!);
      const target = parseChoice(opts.target, "--target", ["outputs", "differences"] as const);
      const o: ShallowOptions = {
        ...(target ? { target } : {}),
        ...(opts.reference !== undefined ? { reference: parseIntOption(opts.reference, "--reference", { min: 0 })! } : {}),
        ...(opts.points !== undefined ? { points: parseIntOption(opts.points, "--points", { min: 0, max: 10_000_000 })! } : {}),
        ...(opts.seed !== undefined ? { seed: parseIntOption(opts.seed, "--seed", { min: 0 })! } : {}),
        ...(opts.maxRegions !== undefined ? { maxRegions: parseIntOption(opts.maxRegions, "--max-regions", { min: 1 })! } : {}),
      };
      const r = await withProgress("shallow", { quiet: opts.quiet ?? false }, (onProgress) => runLens("shallow", net, box, o, { onProgress, engine: "onnxruntime" }));
      const stage = new OutputStage();
      let wrote = "";
      if (opts.out !== undefined) {
        const terms = shallowTermNetworks(r);
        const names = terms.flatMap((ts, t) => ts.map((_, k) => path.join("terms", `${t}-${k}.${format}`)));
        guardOutputFolder(files.inputs, "--out", opts.out, ["shallow.onnx", "shallow.json", ...names], ["terms"]);
        mkdirSync(path.join(opts.out, "terms"), { recursive: true });
        const whole = shallowFormNetwork(r);
        if (whole) {
          await stage.put(path.join(opts.out, "shallow.onnx"), encodeNetwork(whole, "shallow.onnx", { format: "onnx" }));
          await stage.put(path.join(opts.out, "shallow.json"), encodeNetwork(whole, "shallow.json", { format: "json" }));
        }
        for (const [t, ts] of terms.entries()) for (const [k, tn] of ts.entries()) await stage.put(path.join(opts.out, "terms", `${t}-${k}.${format}`), encodeNetwork(tn, `t.${format}`, { format }));
        wrote = `wrote ${names.length} term networks to ${path.join(opts.out, "terms")}/ (T-K.${format}: target T, term K; f_T = max over K)${whole ? ` and the whole form to ${path.join(opts.out, "shallow.onnx")} and .json` : "; the combined network is too large (see --json for the terms)"}\n`;
      }
      await emitResult({ json: opts.json, quiet: true, stage }, { ...r, model }, renderShallow(r, path.basename(model)) + wrote);
      if (!r.check.passed) process.exitCode = 1;
    }));
}
