// `netsize bounds ARCH|MODEL`: theoretical region counts of an architecture, as a table or JSON.
import { DESCRIPTIONS } from "./descriptions.js";
import { existsSync } from "node:fs";
import { Command } from "commander";
import { action } from "../errors.js";
import { emitResult, formatTable, parseIntOption } from "../shared.js";
import { fail } from "../../core/errors.js";
import { CommandFiles } from "../outputs.js";
import { architectureOf, BoundsResult, parseArchitecture, regionBounds } from "../../lenses/regions/index.js";

interface BoundsCliOptions {
  output: boolean;
  measured?: string;
  json?: string | boolean;
}

function render(r: BoundsResult): string {
  const arch = [...r.widths, ...(r.outputWidth !== undefined ? [r.outputWidth] : [])].join("-");
  const b = r.bounds;
  const rows: [string, string, string][] = [
    ["Serra et al. 2018 upper bound", b.serraUpper, "no net with these widths has more (tightest upper bound here)"],
    ["Montúfar 2017 upper bound", b.montufar17Upper, "∏ Σ_{j<=d_l} C(n_l, j), d_l = min(n0..n_l)"],
    ["Montúfar et al. 2014 lower bound", b.montufar14Lower ?? "n/a", b.montufar14Lower ? "some net with these widths has at least this many" : "needs every n_l >= n0"],
    ["one layer of all units (Zaslavsky)", b.shallowSameUnits, `a shallow net with the same ${r.hiddenUnits} units`],
    ["first layer alone (Zaslavsky)", b.firstLayerZaslavsky, "Σ_{j<=n0} C(n1, j)"],
    ["trivial upper bound 2^T", b.trivialUpper.length > 15 ? `2^${r.hiddenUnits}` : b.trivialUpper, "every sign pattern"],
    ["along a line (1-D maximum)", b.lineMaximum, "∏ (n_l + 1): compare with --line counts"],
  ];
  const group = (s: string): string => (/^\d+$/.test(s) ? s.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : s);
  // Up to 15 digits exactly; beyond, scientific (rounded via Number while it is finite).
  const cell = (s: string): string => {
    if (!/^\d+$/.test(s) || s.length <= 15) return group(s);
    const x = Number(s);
    return Number.isFinite(x) ? `≈ ${x.toExponential(3)}` : `≈ ${s[0]}.${s.slice(1, 4)}e+${s.length - 1}`;
  };
  let text = `Linear regions of a ${arch} ReLU network: input dimension ${r.inputDim}, hidden widths ${r.widths.slice(1).join(", ")}`;
  text += r.outputWidth !== undefined ? ` (the output layer of ${r.outputWidth} is affine and creates no regions)\n\n` : "\n\n";
  text += formatTable(["bound", "regions", "meaning"], rows.map(([n, v, m]) => [n, cell(v), m]));
  if (r.measured) {
    const pct = (x: number): string => (x >= 1e-4 ? `${(100 * x).toPrecision(3)}%` : x.toExponential(2));
    text += `\nmeasured ${r.measured.count.toLocaleString("en-US")} regions = ${pct(r.measured.ofSerraUpper)} of the Serra bound, ${pct(r.measured.ofShallowSameUnits)} of a shallow net with the same units\n`;
  }
  return text;
}

/**
 * The bounds are sums of exact BigInt binomials, Σ_{j ≤ min(n_l, d_l)} C(n_l, j) per layer, whose cost grows
 * with n_l · min(n_l, d_l) and the digits involved: 5000-5000-5000 (5·10⁷) takes seconds, 10⁵-wide layers
 * would run for hours. Larger architectures are LIMIT_EXCEEDED before any sum is started.
 */
export const BOUNDS_MAX_WORK = 5e7;

function checkBoundsWork(widths: readonly number[], arch: string): void {
  let d = widths[0]!, work = 0;
  for (const n of widths.slice(1)) { d = Math.min(d, n); work += n * Math.min(n, d); }
  if (!(work <= BOUNDS_MAX_WORK)) {
    fail("LIMIT_EXCEEDED", `the bounds of '${arch}' need Σ n_l·min(n_l, d_l) = ${work.toExponential(2)} binomial terms, more than netsize sums (BOUNDS_MAX_WORK = ${BOUNDS_MAX_WORK.toExponential(0)}); use narrower layers`);
  }
}

/** Register `netsize bounds 784-100-100-10` (or a model file). */
export function register(program: Command): void {
  program
    .command("bounds")
    .description(DESCRIPTIONS.bounds)
    .argument("<arch>", "full architecture input-hidden...-output, e.g. 784-100-100-10 (the last number is the output layer and creates no regions), or an ONNX/JSON model of a fully-connected ReLU net")
    .option("--no-output", "the last number of <arch> is a hidden layer, not the output")
    .option("--measured <n>", "a measured region count to set beside the bounds")
    .option("--json [file]", "write the JSON result (schema netsize.bounds/1) to a file, or to stdout without one")
    .option("--quiet", "accepted as in every command (this one shows no progress bar)")
    .action(
      action(async (arch: string, opts: BoundsCliOptions) => {
        const measured = parseIntOption(opts.measured, "--measured", { min: 0 });
        const files = new CommandFiles([{ option: "model", file: arch }], [{ option: "--json", file: opts.json }]);
        let spec: { widths: number[]; outputWidth?: number };
        if (/^[\d\s,x-]+$/.test(arch)) spec = parseArchitecture(arch, opts.output);
        else if (existsSync(arch)) spec = architectureOf(await files.loadNetwork(arch), arch);
        else fail("BAD_ARGUMENT", `'${arch}' is neither an architecture like 784-100-100-10 nor an existing model file`);
        checkBoundsWork(spec.widths, arch);
        const result = regionBounds(spec.widths, {
          ...(spec.outputWidth !== undefined ? { outputWidth: spec.outputWidth } : {}),
          ...(measured !== undefined ? { measured } : {}),
        });
        await emitResult({ json: opts.json, quiet: true }, result, render(result));
      }),
    );
}
