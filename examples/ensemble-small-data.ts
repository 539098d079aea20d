// Olson et al.'s setting in miniature: wide ReLU nets (hundreds of parameters per training point) fitted
// to small 2-D sets with 15 % label noise, decomposed by the ensemble lens's LP into 8 sub-networks
// whose average is the network. Prints, per data set, each member's training error (its bias) and test
// error on clean held-out points, and the mean pairwise correlation of their residuals.
//
//   npx tsx examples/ensemble-small-data.ts [--epochs 1500] [--width 256]
import { ensembleDecomposition, margins, memberOutputs, pearson, residuals, syntheticDataset } from "../src/index.js";
import { train } from "../src/train/index.js";

const arg = (name: string, d: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1]! : d; };
const EPOCHS = Number(arg("epochs", "1500")), W = Number(arg("width", "256"));
const SETS = [
  { train: "moons:n=200,noise=0.15,flip=0.15,seed=1", test: "moons:n=1000,noise=0.15,seed=2" },
  { train: "circles:n=200,noise=0.08,factor=0.5,flip=0.15,seed=1", test: "circles:n=1000,noise=0.08,factor=0.5,seed=2" },
];
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
for (const s of SETS) {
  const t0 = performance.now();
  const run = await train({ arch: `2-${W}-${W}-2`, data: s.train, testData: s.test, epochs: EPOCHS, batch: 0, lr: 3e-3, seed: 0 });
  const trainS = (performance.now() - t0) / 1000;
  const ds = syntheticDataset(s.train), test = syntheticDataset(s.test);
  const r = await ensembleDecomposition(run.network, ds, { members: 8, support: 0.5 });
  const outs = memberOutputs(run.network, r, test);
  const testErr = outs.map((o) => Array.from(margins(o, test.labels!, 2)).filter((v) => !(v > 0)).length / test.n);
  const res = outs.map((o) => residuals(o, test.labels!, 2));
  let rho = 0, c = 0;
  for (let a = 0; a < 8; a++) for (let b = a + 1; b < 8; b++) { rho += pearson(res[a]!, res[b]!) ?? 0; c++; }
  console.log(`\n${s.train}: 2-${W}-${W}-2, ${r.params.toLocaleString("en-US")} parameters = ${r.paramsPerSample.toFixed(0)} per training point; ${EPOCHS} full-batch Adam epochs (${trainS.toFixed(0)} s)`);
  console.log(`network: train error ${pct(r.networkError)} (15 % of labels flipped), test error on clean ${s.test}: ${pct(1 - (run.result.final?.testAccuracy ?? NaN))}`);
  console.log(`LP: ${r.lp.variables} variables × ${r.lp.rows} rows, ${r.lp.seconds.toFixed(1)} s; average of members = network to ${r.maxAbsDiff.toExponential(1)}`);
  console.log("member  units  train error  hinge   test error");
  r.members.forEach((m, k) => console.log(`${String(k).padStart(6)}  ${String(m.units.length).padStart(5)}  ${pct(m.error).padStart(11)}  ${m.hinge.toFixed(3).padStart(5)}   ${pct(testErr[k]!).padStart(9)}`));
  console.log(`mean member train error ${pct(r.meanMemberError)}, vote ${pct(r.voteError)}; mean pairwise residual correlation: train ${r.meanResidualCorrelation.toFixed(3)}, test ${(rho / c).toFixed(3)}`);
}
