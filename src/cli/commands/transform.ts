// `netsize transform MODEL --ion SEED [-o OUT]`: an identical-output network (Choi et al.) — the same
// function with different representation statistics — checked by max |f − f'| before it is written.
import { DESCRIPTIONS } from "./descriptions.js";
import path from "node:path";
import { Command } from "commander";
import { action } from "../errors.js";
import { fmtInt, parseChoice, parseIntOption } from "../shared.js";
import { fail, printable } from "../../core/errors.js";
import { forwardBatchReference } from "../../core/engine/reference.js";
import { encodeNetwork } from "../../core/io/index.js";
import { inputSize, Network } from "../../core/network.js";
import { createRng } from "../../core/random.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { identicalOutputNetwork, ION_INVARIANCE } from "../../lenses/simplicity/index.js";
import { CommandFiles, OutputStage } from "../outputs.js";
import { formatOf } from "./convert.js";

interface TransformCliOptions {
  ion?: string;
  map?: string;
  layer?: string[];
  output?: string;
  points?: string;
  float?: string;
}

/** max |f − f'| over `points` standard-normal inputs (seeded by `seed`), in the float64 reference. */
export function maxOutputDifference(a: Network, b: Network, points: number, seed: number): number {
  const d = inputSize(a), rng = createRng(seed);
  const X = Float64Array.from({ length: points * d }, () => rng.normal());
  const fa = forwardBatchReference(a, X, points, { withUnits: false }).outputs, fb = forwardBatchReference(b, X, points, { withUnits: false }).outputs;
  let max = 0;
  for (let i = 0; i < fa.length; i++) max = Math.max(max, Math.abs(fa[i]! - fb[i]!));
  return max;
}

/** Register `netsize transform MODEL --ion SEED [--map scale|affine] [--layer NAME]... [-o OUT]`. */
export function register(program: Command): void {
  program
    .command("transform")
    .description(DESCRIPTIONS.transform)
    .argument("<model>", "ONNX or netsize JSON model")
    .requiredOption("--ion <seed>", "seed of the random invertible maps")
    .option("--map <kind>", "scale: a permutation times a positive diagonal moved through each ReLU (same architecture); affine: a dense invertible A and shift c inserted after the activation as a linear layer", "scale")
    .option("--layer <name...>", "hidden activation layers to transform, by name or index (default: every one that can be)")
    .option("-o, --output <file>", "output *.onnx or *.json (default: MODEL's name with .ion-SEED before the extension, in the current folder)")
    .option("--points <n>", "standard-normal inputs on which max |f − f'| is checked before writing", "10000")
    .option("--float <bits>", "ONNX weight precision of the output: 64 (default: keeps the identity to 1e-9) or 32")
    .action(
      action(async (model: string, opts: TransformCliOptions) => {
        const seed = parseIntOption(opts.ion, "--ion", { min: 0, max: 2 ** 32 - 1 })!;
        const map = parseChoice(opts.map, "--map", ["scale", "affine"] as const)!;
        const points = parseIntOption(opts.points, "--points", { min: 1, max: 10_000_000 })!;
        const ext = path.extname(model);
        const out = opts.output ?? `${path.basename(model, ext)}.ion-${seed}${ext === ".json" ? ".json" : ".onnx"}`;
        const format = formatOf(out);
        const float = opts.float === undefined ? 64 : opts.float === "32" ? 32 : opts.float === "64" ? 64 : fail("BAD_ARGUMENT", `--float must be 32 or 64, got '${opts.float}'`);
        const files = new CommandFiles([{ option: "model", file: model }], [{ option: "--output", file: out }]);
        const net = await files.loadNetwork(model);
        const layers = opts.layer?.map((s) => {
          const byName = net.layers.findIndex((l) => l.name === s);
          if (byName >= 0) return byName;
          if (/^\d+$/.test(s) && Number(s) < net.layers.length) return Number(s);
          return fail("BAD_ARGUMENT", `--layer '${printable(s, 60)}' is neither a layer name nor an index of ${path.basename(model)} (${net.layers.length} layers)`);
        });
        const ion = identicalOutputNetwork(net, { seed, map, ...(layers ? { layers } : {}) });
        const diff = maxOutputDifference(net, ion.network, points, seed);
        if (!(diff < TOLERANCE.equivalence)) fail("BAD_WEIGHTS", `the identical-output network differs from the model by ${diff.toExponential(2)} (more than ${TOLERANCE.equivalence}) on ${fmtInt(points)} points: float64 rounding of these weights is too coarse for the maps; nothing was written`);
        const stage = new OutputStage();
        await stage.put(out, encodeNetwork(ion.network, out, { format, float }));
        stage.commit();
        const changed = Object.entries(ION_INVARIANCE).filter(([, v]) => !v[map]).map(([k]) => k);
        const kept = Object.entries(ION_INVARIANCE).filter(([, v]) => v[map]).map(([k]) => k);
        process.stdout.write(
          `wrote ${out}: identical-output network of ${path.basename(model)} (seed ${seed}, map ${map}) at ${ion.changes.map((c) => printable(c.name, 40) + (c.inserted ? ` (+ linear layer ${printable(c.inserted, 40)})` : "")).join(", ")}\n` +
          `max |f − f'| = ${diff.toExponential(2)} on ${fmtInt(points)} standard-normal inputs (float64 reference)${format === "onnx" && float === 32 ? "; the file's float32 weights round it further" : ""}\n` +
          `unchanged by this map: ${kept.join(", ")}; may change: ${changed.join(", ")}\n`,
        );
      }),
    );
}
