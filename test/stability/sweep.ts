// The soundness sweep (run by soundness-sweep-a/b.test.ts): every shared piecewise-linear model on several domains — a tiny ball, a
// data-sized one (or the model's property box), a huge box (±1e6) and a box at the edge of float64
// (±1e306) — with IBP, CROWN and (where cheap) auto; every stable claim is checked on many points of
// the domain: its centre, random vertices, points on random faces, data inside the box, and uniform
// points. One contradicting point is an unsound claim. 100,000 points per (model, domain) in the full
// tier and for the low-dimensional nets; fewer for the image nets in the default tier (see pointsFor).
import { readFileSync } from "node:fs";
import { Box, inBox, linfBall, makeBox, uniformBox } from "../../src/core/domain.js";
import { parseVnnlib } from "../../src/core/io/index.js";
import { inputSize, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { StabilityMethod, StabilityResult, stability } from "../../src/lenses/stability/index.js";
import { loadMnist } from "../../src/node/data.js";
import { onnxruntimeEngine } from "../../src/node/engine/onnxruntime.js";
import { loadNetwork } from "../../src/node/files.js";
import { model } from "../helpers/shared.js";
import { FULL_TIER } from "../engine/shared-inputs.js";

interface Domain { name: string; box: Box; data?: Float64Array }

/** A natural point of the model's input space: a test digit for MNIST nets, the prop_1 centre for ACAS Xu, else 0.5s. */
function centre(rel: string, d: number): Float64Array {
  if (d === 784) return Float64Array.from(loadMnist("test").x.subarray(0, 784));
  if (rel.includes("ACASXU")) { const b = parseVnnlib(readFileSync(model("vnncomp2021/prop_1.vnnlib"), "utf8")).box; return b.lower.map((l, i) => (l + b.upper[i]!) / 2); }
  return new Float64Array(d).fill(rel.includes("test_") ? 0 : 0.5);
}

function domains(rel: string, net: Network): Domain[] {
  const d = inputSize(net), c = centre(rel, d);
  const image = d === 784 || d === 3072;
  const out: Domain[] = [
    { name: "tiny ball (1e-3)", box: linfBall(c, 1e-3, image ? [0, 1] : undefined, "tiny") },
    rel.includes("ACASXU")
      ? { name: "prop_1 box", box: parseVnnlib(readFileSync(model("vnncomp2021/prop_1.vnnlib"), "utf8")).box }
      : image ? { name: "data-sized ball (0.03)", box: linfBall(c, 0.03, [0, 1], "ball 0.03") } : { name: "unit box", box: uniformBox(d, -1, 1) },
    { name: "huge box (±1e6)", box: uniformBox(d, -1e6, 1e6) },
    { name: "edge of float64 (±1e306)", box: makeBox(new Float64Array(d).fill(-1e306), new Float64Array(d).fill(1e306)) },
  ];
  if (d === 784) for (const dm of out) dm.data = loadMnist("test").x;
  return out;
}

/** Points of the box: centre, vertices, face points, data inside, uniform — `n` in all, generated in chunks. */
function* points(box: Box, n: number, seed: number, data?: Float64Array): Generator<Float64Array> {
  const d = box.lower.length, rng = createRng(seed), chunk = 4000;
  let made = 0, dataAt = 0;
  while (made < n) {
    const k = Math.min(chunk, n - made);
    const X = new Float64Array(k * d);
    for (let s = 0; s < k; s++) {
      const row = X.subarray(s * d, (s + 1) * d), i = made + s, kind = i === 0 ? -1 : i % 5;
      if (kind === 4 && data) {
        while (dataAt * d < data.length && !inBox(box, data.subarray(dataAt * d, (dataAt + 1) * d))) dataAt++;
        if (dataAt * d < data.length) { row.set(data.subarray(dataAt * d, (dataAt + 1) * d)); dataAt++; continue; }
      }
      for (let j = 0; j < d; j++) {
        const lo = box.lower[j]!, hi = box.upper[j]!;
        const t = kind === -1 ? 0.5 : kind === 1 ? (rng.next() < 0.5 ? 0 : 1) : rng.next();
        row[j] = t === 0 ? lo : t === 1 ? hi : lo + t * (hi - lo);
        if (!Number.isFinite(row[j]!)) row[j] = lo / 2 + hi / 2 + (t - 0.5) * (hi / 2 - lo / 2) * 2; // (hi − lo) overflows near ±1e308
      }
      if (kind === 2) { // a face: a few coordinates pinned to a bound
        for (let f = 0; f < 1 + rng.int(3); f++) { const j = rng.int(d); row[j] = rng.next() < 0.5 ? box.lower[j]! : box.upper[j]!; }
      }
    }
    made += k;
    yield X;
  }
}

/** A unit claimed stable by some method: where, which state, by whom. */
interface Claim { layer: number; name: string; units: number; unit: number; active: boolean; by: string }

/** Every stable claim of the results (methods that disagree on a unit's state are themselves a contradiction). */
function claimsOf(results: [string, StabilityResult][]): { claims: Claim[]; conflicts: string[] } {
  const seen = new Map<string, Claim>(), conflicts: string[] = [];
  for (const [method, r] of results) for (const l of r.layers) l.state.forEach((st, i) => {
    if (st !== "active" && st !== "inactive") return;
    const key = `${l.layer}:${i}`, prev = seen.get(key), active = st === "active";
    if (prev && prev.active !== active) conflicts.push(`${l.name}[${i}]: ${prev.by} says ${prev.active ? "active" : "inactive"}, ${method} says ${st}`);
    if (!prev) seen.set(key, { layer: l.layer, name: l.name, units: l.units, unit: i, active, by: method });
  });
  return { claims: [...seen.values()], conflicts };
}

/** Points where a unit claimed stable has the other sign. */
async function contradictions(net: Network, box: Box, claims: Claim[], n: number, data?: Float64Array): Promise<{ checked: number; bad: string[] }> {
  const engine = await onnxruntimeEngine.create(net, { float: 64, threads: 1 });
  const bad: string[] = [];
  let checked = 0;
  try {
    for (const X of points(box, n, 17, data)) {
      const k = X.length / box.lower.length;
      const res = await engine.run(X, k);
      for (const c of claims) {
        const Z = res.preActivations[res.unitLayers.indexOf(c.layer)]!;
        for (let s = 0; s < k; s++) {
          const z = Z[s * c.units + c.unit]!;
          // A point whose pre-activation overflowed to ±Inf/NaN in the engine says nothing either way; a finite one must agree.
          if (Number.isFinite(z) && (c.active ? !(z > 0) : z > 0) && bad.length < 5) bad.push(`${c.name}[${c.unit}] claimed ${c.active ? "active" : "inactive"} by ${c.by}, z = ${z} at point ${checked + s}`);
        }
      }
      checked += k;
    }
  } finally {
    await engine.dispose();
  }
  return { checked, bad };
}

const CONV = /resnet|Convnet/;

/**
 * Points per (model, domain): 100,000 in the full tier (NETSIZE_FULL=1, `npm run test:full`) and for the
 * low-dimensional nets; in the default tier 25,000 for the image MLPs and 5,000 for the conv/residual
 * nets, so the whole suite stays within 10 minutes on 2 cores.
 */
function pointsFor(rel: string, d: number): number {
  if (FULL_TIER || d <= 16) return 100_000;
  return CONV.test(rel) ? 5_000 : 25_000;
}

/** Sweep one shared model over its domains: what was claimed and checked, and every problem found (conflicts, contradicting points). */
export async function sweepModel(rel: string): Promise<{ summary: string[]; problems: string[] }> {
  const net = await loadNetwork(model(rel));
  const n = pointsFor(rel, inputSize(net));
  const summary: string[] = [], problems: string[] = [];
  for (const dm of domains(rel, net)) {
    const methods: StabilityMethod[] = ["ibp", "crown", ...(dm.name.startsWith("tiny") ? ["auto" as const] : [])];
    const results: [string, StabilityResult][] = [];
    for (const method of methods) results.push([method, await stability(net, dm.box, { method, timeLimit: 20 })]);
    const { claims, conflicts } = claimsOf(results);
    problems.push(...conflicts.map((c) => `${dm.name}: ${c}`));
    if (claims.length === 0) { summary.push(`${dm.name}: 0 claims`); continue; }
    const c = await contradictions(net, dm.box, claims, n, dm.data);
    summary.push(`${dm.name}: ${claims.length} claims (${results.map(([m, r]) => `${m} ${r.totals.stablyActive + r.totals.stablyInactive}`).join(", ")}) on ${c.checked} points`);
    if (c.checked !== n) problems.push(`${dm.name}: checked ${c.checked} of ${n} points`);
    problems.push(...c.bad.map((b) => `${dm.name}: ${b}`));
  }
  return { summary, problems };
}
