// `netsize compress MODEL --box 0:1 -o small.onnx`: the smaller network equal to MODEL on the domain,
// with the equivalence check run before anything is written.
import { DESCRIPTIONS } from "./descriptions.js";
import path from "node:path";
import { Command } from "commander";
import { ortFloat64Warning } from "../../node/engine/ort-lowering.js";
import { fail } from "../../core/errors.js";
import { CompressionReport, CompressRunResult, EquivalenceReport } from "../../lenses/stability/index.js";
import { compressLens } from "../../lenses/registry.js";
import { encodeNetwork } from "../../core/io/index.js";
import { action } from "../errors.js";
import { runLens } from "../run-lens.js";
import { withProgress } from "../progress.js";
import { emitResult, fmtInt, formatTable, lensDefault, MAX_POINTS, parseChoice, parseFloatBits, parseIntOption } from "../shared.js";
import { CommandFiles, OutputStage } from "../outputs.js";
import { addStabilityOptions, checkStabilitySamples, domainInputs, loadWithDomain, renderStability, StabilityCliOptions, stabilityOptionsFrom } from "./stability.js";

interface CompressCliOptions extends StabilityCliOptions {
  output?: string;
  networkJson?: string;
  float?: string;
  points?: string;
  merge?: string;
  allowLarger?: boolean;
}

function render(rep: CompressionReport, eq: EquivalenceReport, out: string): string {
  let text = formatTable(["layer", "units before", "units after", "constant removed", "folded", "merged"],
    rep.layers.map((l) => [l.name, l.unitsBefore, l.unitsAfter, l.removedConstant, l.folded, l.merged ? "yes" : "no"]));
  text += `\nunits ${fmtInt(rep.before.units)} → ${fmtInt(rep.after.units)}, parameters ${fmtInt(rep.before.params)} → ${fmtInt(rep.after.params)}`;
  text += ` (${paramChange(rep.before.params, rep.after.params)}); certificate: ${rep.certificate}\n`;
  text += `equivalence on ${fmtInt(eq.points)} points (${Object.entries(eq.sources).filter(([, v]) => v > 0).map(([k, v]) => `${fmtInt(v)} ${k}`).join(", ")}): `;
  text += `max |f − f'| = ${eq.maxAbsDiff.toExponential(2)} in float64 (${eq.engine} engine)`;
  if (eq.exported) text += `, ${eq.exported.maxAbsDiff.toExponential(2)} through ${eq.exported.runtime} on the exported float${eq.exported.float} file${eq.exported.note ? ` (${eq.exported.note})` : ""}`;
  text += `\nwrote ${out}\n`;
  return text;
}

/** "12.3% fewer", "the same number", or "12.3% more" parameters. */
export function paramChange(before: number, after: number): string {
  if (after === before) return "the same number";
  const pct = (100 * Math.abs(after - before)) / Math.max(1, before);
  return `${pct.toFixed(1)}% ${after < before ? "fewer" : "more"}`;
}

/** Register `netsize compress`. */
export function register(program: Command): void {
  addStabilityOptions(
    program
      .command("compress")
      .description(DESCRIPTIONS.compress)
      .argument("<model>", "ONNX or netsize JSON model"),
  )
    .requiredOption("-o, --output <file>", "the compressed network (.onnx, or .json for netsize JSON)")
    .option("--network-json <file>", "also write the compressed network as netsize JSON")
    .option("--float <bits>", compressLens.options.float.description, lensDefault(compressLens.options.float))
    .option("--points <n>", compressLens.options.points.description, lensDefault(compressLens.options.points))
    .option("--merge <when>", compressLens.options.merge.description, lensDefault(compressLens.options.merge))
    .option("--allow-larger", "write the compressed network even when it has more parameters than the original (refused by default)")
    .option("--json [file]", "write the JSON report (stability, compression, equivalence) to a file, or to stdout without one")
    .action(
      action(async (model: string, opts: CompressCliOptions) => {
        const float = parseFloatBits(opts.float);
        const points = parseIntOption(opts.points, "--points", { min: 1, max: MAX_POINTS });
        const merge = parseChoice(opts.merge, "--merge", ["smaller", "always", "never"] as const);
        const out = opts.output!;
        const ext = path.extname(out).toLowerCase();
        if (ext !== ".onnx" && ext !== ".json") fail("BAD_ARGUMENT", `-o must end in .onnx or .json, got '${out}'`);
        const files = new CommandFiles(domainInputs(model, opts), [
          { option: "-o", file: out }, { option: "--network-json", file: opts.networkJson }, { option: "--json", file: opts.json },
        ]);
        const { net, domain } = await loadWithDomain(model, opts, files);
        const sopts = stabilityOptionsFrom(opts, domain);
        checkStabilitySamples(sopts, net);
        const r: CompressRunResult = await withProgress("compress", { quiet: opts.quiet ?? false }, (onProgress) => runLens("compress", net, domain.box, {
            ...sopts, float,
            ...(points !== undefined ? { points } : {}), ...(merge !== undefined ? { merge } : {}),
          }, { onProgress, engine: "onnxruntime" }));
        const eq = r.equivalence;
        if (!r.equal) {
          fail("SOLVER_ERROR", `the compressed network differs from the original by ${Math.max(eq.maxAbsDiff, eq.exported?.maxAbsDiff ?? 0).toExponential(2)} > ${eq.tolerance.equivalence} at a domain point; nothing was written. Rerun with a stronger --method or report this`);
        }
        const c = r.compression;
        if (c.after.params > c.before.params && !opts.allowLarger) {
          fail("LIMIT_EXCEEDED", `the compressed network would have more parameters than the original (${fmtInt(c.after.params)} > ${fmtInt(c.before.params)}: ${paramChange(c.before.params, c.after.params)}); nothing was written — keep the original, try --merge never, or pass --allow-larger to write it anyway`);
        }
        // The bytes written are exactly the bytes the equivalence check ran; all outputs are renamed into place together.
        const stage = new OutputStage();
        await stage.put(out, ext === ".onnx" ? r.onnx : encodeNetwork(r.network, out, { format: "json" }));
        if (opts.networkJson) await stage.put(opts.networkJson, encodeNetwork(r.network, opts.networkJson, { format: "json" }));
        await emitResult({ json: opts.json, quiet: true, stage }, { ...r, model, output: out }, renderStability(r.stability, model) + "\n" + render(r.compression, eq, out) + (ext === ".onnx" ? ortFloat64Warning(r.onnx, out) : ""));
      }),
    );
}
