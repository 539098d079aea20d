// `netsize stability MODEL --box 0:1 [--method ...]`: stably active / inactive / unstable units per layer on a domain.
import { DESCRIPTIONS } from "./descriptions.js";
import path from "node:path";
import { Command } from "commander";
import { addDataOptions, dataInputs } from "../data-options.js";
import { inputSize, Network } from "../../core/network.js";
import { CERTIFIERS, StabilityMethod, StabilityOptions, StabilityResult } from "../../lenses/stability/index.js";
import { stabilityLens } from "../../lenses/registry.js";
import { CliDomain, DomainCliOptions, domainFromOptions } from "../domain.js";
import { action } from "../errors.js";
import { runLens } from "../run-lens.js";
import { CommandFiles, FileRef } from "../outputs.js";
import { withProgress } from "../progress.js";
import { checkSampleCount, emitResult, fmtInt, formatTable, lensDefault, parseChoice, parseIntOption, parseNumberOption, valuesPerSample } from "../shared.js";

/** Options shared by `stability` and `compress`. */
export interface StabilityCliOptions extends DomainCliOptions {
  method?: string;
  timeLimit?: string;
  unitTimeLimit?: string;
  samples?: string;
  alphaIterations?: string;
  seed?: string;
  milpBounds?: boolean;
  json?: string;
  quiet?: boolean;
}

const O = stabilityLens.options;

/** Add the domain and method options to a command. */
export function addStabilityOptions(cmd: Command): Command {
  cmd
    .option("--box <spec>", "input box: 'lo:hi' for every input, 'lo1:hi1,lo2:hi2,...' per input, or a .json/.csv/.vnnlib file")
    .option("--vnnlib <file>", "the input box of a VNN-LIB property")
    .option("--ball <eps>", "L∞ ball of radius EPS around --data point --index (clipped to [0,1] for mnist)");
  return addDataOptions(cmd, "data (the centre of --ball; its points inside the box are sampled too)")
    .option("--index <i>", "index of the ball's centre in --data")
    .option("--clip <lo:hi>", "clip the ball to this range (default 0:1 for mnist)")
    .option("--method <m>", O.method.description, lensDefault(O.method))
    .option("--time-limit <s>", O.timeLimit.description, lensDefault(O.timeLimit))
    .option("--unit-time-limit <s>", O.unitTimeLimit.description, lensDefault(O.unitTimeLimit))
    .option("--samples <n>", O.samples.description)
    .option("--alpha-iterations <n>", O.alphaIterations.description)
    .option("--seed <n>", O.seed.description, lensDefault(O.seed))
    .option("--milp-bounds", O.milpBounds.description)
    .option("--quiet", "no progress bar");
}

/** Parse the stability options of a command (every default is the lens's own). */
export function stabilityOptionsFrom(opts: StabilityCliOptions, domain: CliDomain): StabilityOptions {
  const method = parseChoice(opts.method, "--method", ["ibp", "crown", "alpha-crown", "lp", "milp", "auto"] as const);
  const alphaIterations = parseIntOption(opts.alphaIterations, "--alpha-iterations", { min: 0 });
  const timeLimit = parseNumberOption(opts.timeLimit, "--time-limit");
  const unitTimeLimit = parseNumberOption(opts.unitTimeLimit, "--unit-time-limit");
  const samples = parseIntOption(opts.samples, "--samples", { min: 0 });
  const seed = parseIntOption(opts.seed, "--seed");
  return {
    ...(method !== undefined ? { method: method as StabilityMethod } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(timeLimit !== undefined ? { timeLimit } : {}),
    ...(unitTimeLimit !== undefined ? { unitTimeLimit } : {}),
    ...(samples !== undefined ? { samples } : {}),
    ...(alphaIterations !== undefined ? { alphaIterations } : {}),
    ...(opts.milpBounds ? { milpBounds: true } : {}),
    ...(domain.data ? { data: { x: domain.data.x, n: domain.data.n } } : {}),
  };
}

/** The files a stability-style command reads: the model and the domain's files. */
export function domainInputs(model: string, opts: DomainCliOptions): FileRef[] {
  return [{ option: "model", file: model }, { option: "--box file", file: opts.box }, { option: "--vnnlib property", file: opts.vnnlib }, ...dataInputs(opts)];
}

/** BAD_ARGUMENT when the sampling pre-pass (--samples, default 2000 with auto) would not fit MAX_SAMPLE_VALUES for this network. */
export function checkStabilitySamples(sopts: StabilityOptions, net: Network): void {
  const samples = sopts.samples ?? ((sopts.method ?? O.method.default) === "auto" ? 2000 : 0);
  checkSampleCount("--samples", samples, valuesPerSample(net), "lower --samples");
}

/** Load the model and the domain of a stability-style command (outputs already checked against the inputs by `files`). */
export async function loadWithDomain(model: string, opts: StabilityCliOptions, files: CommandFiles): Promise<{ net: Network; domain: CliDomain }> {
  const net = await files.loadNetwork(model);
  return { net, domain: domainFromOptions(opts, inputSize(net)) };
}

/** The per-layer and per-stage tables of a stability result. */
export function renderStability(r: StabilityResult, model: string): string {
  const rows = r.layers.map((l) => [
    l.name, l.fn, l.units, l.stablyActive, l.stablyInactive, l.unstable, l.unknown,
    CERTIFIERS.filter((c) => l.certifiedBy[c]).map((c) => `${c} ${l.certifiedBy[c]}`).join(", ") || "-",
  ]);
  const t = r.totals;
  rows.push(["total", "", t.units, t.stablyActive, t.stablyInactive, t.unstable, t.unknown, ""]);
  let text = `${path.basename(model)} on ${r.domain.source ?? "the box"} (${fmtInt(r.domain.inputs)} inputs), method ${r.method}\n\n`;
  text += formatTable(["layer", "fn", "units", "stably active", "stably inactive", "unstable", "unknown", "certified by"], rows);
  text += "\n";
  text += formatTable(["stage", "ms", "proved stable", "proved unstable", "undecided after", "points/solves/boxes/bounds"],
    r.stages.map((s) => [s.stage, Math.round(s.ms), s.stable, s.unstable, s.undecidedAfter, s.work ?? 0]));
  const notes = r.stages.filter((s) => s.note?.startsWith("skipped"));
  for (const s of notes) text += `${s.stage}: ${s.note}\n`;
  text += r.complete
    ? `\ncomplete: every unit is proven stable or proven unstable (certificate: ${r.certificate})\n`
    : `\nnot complete: ${fmtInt(t.unknown)} unknown, ${fmtInt(t.unstable - t.provenUnstable)} not proven either way (certificate of the stable claims: ${r.certificate})\n`;
  return text;
}

/** Register `netsize stability`. */
export function register(program: Command): void {
  addStabilityOptions(
    program
      .command("stability")
      .description(DESCRIPTIONS.stability)
      .argument("<model>", "ONNX or netsize JSON model"),
  )
    .option("--json [file]", "write the JSON result (schema netsize.stability/1) to a file, or to stdout without one")
    .action(
      action(async (model: string, opts: StabilityCliOptions) => {
        const files = new CommandFiles(domainInputs(model, opts), [{ option: "--json", file: opts.json }]);
        const { net, domain } = await loadWithDomain(model, opts, files);
        const sopts = stabilityOptionsFrom(opts, domain);
        checkStabilitySamples(sopts, net);
        const result: StabilityResult = await withProgress("stability", { quiet: opts.quiet ?? false }, (onProgress) => runLens("stability", net, domain.box, sopts, { onProgress }));
        await emitResult({ json: opts.json, quiet: true }, { ...result, model }, renderStability(result, model));
      }),
    );
}
