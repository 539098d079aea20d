// An et al.'s comparison in miniature: for the same total of 24 hidden units, the size of the exact
// shallow form (a maximum of one-hidden-layer ReLU networks, on the box around the data) of a
// one-hidden-layer net, deeper plain nets and a residual net, at initialisation and after training on
// moons, several seeds. Prints one table (median over seeds, and each seed) and writes a chart.
//
//   npx tsx examples/shallow-depth.ts [--seeds 3] [--epochs 300] [--points 100000] [--svg FILE] [--png FILE]
import { writeFileSync } from "node:fs";
import { makeBox, shallowForm, renderShallowComparisonSvg, ShallowComparisonRow } from "../src/index.js";
import { train } from "../src/train/index.js";
import { svgToPng } from "../src/node/png.js";

const arg = (name: string, d: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1]! : d; };
const SEEDS = Number(arg("seeds", "3")), EPOCHS = Number(arg("epochs", "300")), POINTS = Number(arg("points", "100000"));
const SVG = arg("svg", "/tmp/netsize-shallow-depth.svg"), PNG = arg("png", "/tmp/netsize-shallow-depth.png");
const ARCHS = ["2-24-2", "2-12-12-2", "2-8-8-8-2", "res:2-8x2-2"];
const DATA = "moons:n=200,noise=0.1";
const box = makeBox(Float64Array.of(-1.5, -1), Float64Array.of(2.5, 1.5), "[-1.5,2.5]×[-1,1.5]");

const rows: (ShallowComparisonRow & { gatings: string; realised: number; check: number; seconds: number; accuracy: number })[] = [];
for (const arch of ARCHS) {
  for (let seed = 0; seed < SEEDS; seed++) {
    const run = await train({ arch, data: DATA, epochs: EPOCHS, batch: 0, lr: 0.01, seed, snapshots: [0], biasStd: 0.1 });
    const nets = [{ state: "init", net: run.snapshots.find((s) => s.info.epoch === 0)!.network }, { state: "trained", net: run.network }];
    for (const { state, net } of nets) {
      const r = await shallowForm(net, box, { target: "differences", points: POINTS, seed });
      rows.push({
        arch, state, seed, regions: r.regions, pieces: r.targets[0]!.pieces, shallowTerms: r.targets[0]!.shallowTerms, shallowUnits: r.targets[0]!.hiddenUnits,
        gatings: r.an.gatings === null ? `2^${r.an.gatingsLog2}` : `${r.an.gatings}×${r.an.unitsPerNetwork}`, realised: r.an.realisedGatings ?? 0,
        check: r.check.maxAbsDiff, seconds: r.timings.total / 1000, accuracy: state === "init" ? NaN : run.result.final?.accuracy ?? NaN,
      });
      if (!r.check.passed) throw new Error(`equality check failed for ${arch} seed ${seed} ${state}: ${r.check.maxAbsDiff}`);
    }
  }
}
const med = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
console.log(`exact shallow form of the logit difference on ${box.source}, ${SEEDS} seeds, 24 hidden units each; trained ${EPOCHS} full-batch Adam epochs on ${DATA}`);
console.log("lattice-derived form: f = max over terms of one-hidden-layer nets (terms, hidden units); An layer by layer: all gated shallow nets × their units, and the gatings realised on the box");
console.log("arch          state    regions  pieces  terms  shallow units (median; per seed)       An nets×units  realised  max|f−f'|");
for (const arch of ARCHS) for (const state of ["init", "trained"]) {
  const rs = rows.filter((r) => r.arch === arch && r.state === state);
  const col = (f: (r: (typeof rs)[number]) => number): string => String(med(rs.map(f)));
  console.log(`${arch.padEnd(13)} ${state.padEnd(8)} ${col((r) => r.regions).padStart(7)} ${col((r) => r.pieces).padStart(7)} ${col((r) => r.shallowTerms).padStart(6)}  ${(col((r) => r.shallowUnits) + " (" + rs.map((r) => r.shallowUnits).join(", ") + ")").padEnd(38)} ${rs[0]!.gatings.padStart(13)} ${col((r) => r.realised).padStart(9)}  ${Math.max(...rs.map((r) => r.check)).toExponential(1)}`);
}
const svg = await renderShallowComparisonSvg(rows, { subtitle: `logit difference on ${box.source}; ${SEEDS} seeds; ${DATA}, ${EPOCHS} epochs` });
writeFileSync(SVG, svg);
writeFileSync(PNG, svgToPng(svg));
console.log(`wrote ${SVG} and ${PNG}; total ${rows.reduce((s, r) => s + r.seconds, 0).toFixed(0)} s in the lens`);
