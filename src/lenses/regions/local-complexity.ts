/**
 * Local complexity (Hanin & Rolnick): around each sample x, how many units' boundaries pass within
 * a radius r.
 *
 * Precisely: on x's linear piece each unit's pre-activation is affine, z_u(y) = z_u(x) + ∇z_u(x)·(y - x),
 * and the distance from x to that affine function's switching set (z = a breakpoint; ReLU: z = 0) is
 * |z_u(x) - b| / ||∇_x z_u(x)||. A unit counts when that distance is <= r. This is exact for boundaries
 * that meet x's own region within r and a first-order estimate beyond it (the boundary bends where it
 * leaves the region), and it counts units, not regions. Units with a zero gradient (constant near x)
 * never count. For smooth activations the linear piece is the first-order linearisation at x (slope
 * σ'(z) by central difference). Max pools count one boundary per competing window cell.
 */
import { activations, ActivationParams } from "../../core/activations.js";
import { fail } from "../../core/errors.js";
import { LensContext, checkAborted, yieldToEventLoop } from "../../core/lens.js";
import { Layer, Network, inputSize, sizeOf } from "../../core/network.js";
import { unitLayerIndices } from "../../core/summary.js";
import { conv2dForward, denseForward, padForward, poolForward, scaleForward } from "../../core/engine/kernels.js";
import { forwardTrace } from "../../core/engine/reference.js";
import { linearPart } from "./box-affine.js";

/** Per sample: units within r (total and per unit layer) and the distance to the nearest unit boundary. */
export interface LocalComplexityRaw {
  n: number;
  radius: number;
  /** n: units whose boundary is within r of the sample. */
  counts: Int32Array;
  /** Per unit layer, n counts. */
  perLayer: Int32Array[];
  /** n: first-order distance to the nearest unit boundary (Infinity when every unit is constant). */
  nearest: Float64Array;
  /** "mlp-forward", "mlp-gram" or "generic": how the gradients were computed. */
  method: string;
}

/** Slope of an activation at z: the piece's slope for piecewise-linear ones, a central difference otherwise. */
function slopeAt(fn: keyof typeof activations, z: number, p: ActivationParams): number {
  const f = activations[fn];
  if (f.piecewiseLinear) {
    const b = f.breakpoints ? f.breakpoints(p) : [];
    let piece = 0;
    while (piece < b.length && z > b[piece]!) piece++; // ties go left, as pieceIndex does
    const lo = piece === 0 ? (b[0] ?? 0) - 1 : b[piece - 1]!, hi = piece === b.length ? (b[b.length - 1] ?? 0) + 1 : b[piece]!;
    return (f.output(hi, p) - f.output(lo, p)) / (hi - lo);
  }
  const h = 1e-5 * Math.max(1, Math.abs(z));
  return (f.output(z + h, p) - f.output(z - h, p)) / (2 * h);
}

/** Distance-to-boundary contributions of one activation unit: min over its breakpoints (smooth: z = 0). */
function unitDistance(layer: Layer & { kind: "activation" }, z: number, gradNorm: number): number {
  if (!(gradNorm > 0)) return Infinity;
  const f = activations[layer.fn];
  const b = f.piecewiseLinear ? (f.breakpoints ? f.breakpoints(layer) : []) : [0];
  let best = Infinity;
  for (const bk of b) best = Math.min(best, Math.abs(z - bk) / gradNorm);
  return best;
}

/** A chain input → (flatten) → dense → activation → (flatten) → dense → activation …: the fast path. */
function mlpChain(net: Network): { dense: (Layer & { kind: "dense" })[]; act: (Layer & { kind: "activation" })[] } | undefined {
  const units = unitLayerIndices(net);
  const dense: (Layer & { kind: "dense" })[] = [], act: (Layer & { kind: "activation" })[] = [];
  let prev = -1;
  for (const li of units) {
    const a = net.layers[li]!;
    if (a.kind !== "activation") return undefined;
    const di = a.inputs[0]!;
    const dl = net.layers[di];
    if (!dl || dl.kind !== "dense") return undefined;
    let src = dl.inputs[0]!;
    while (src > prev && (net.layers[src]!.kind === "flatten" || net.layers[src]!.kind === "reshape")) src = net.layers[src]!.inputs[0]!;
    if (src !== prev) return undefined;
    dense.push(dl); act.push(a);
    prev = li;
  }
  return dense.length > 0 ? { dense, act } : undefined;
}

/** Local complexity of n samples X (n × inputSize); see the file doc for what is counted. */
export async function localComplexityRaw(
  net: Network, X: Float64Array, n: number, radius: number, ctx: LensContext = {},
  opts: { method?: "auto" | "generic" | "mlp-forward" | "mlp-gram" } = {},
): Promise<LocalComplexityRaw> {
  if (!(radius > 0 && Number.isFinite(radius))) fail("BAD_ARGUMENT", `the local-complexity radius must be a positive number, got ${radius}`);
  const d = inputSize(net);
  if (X.length !== n * d) fail("DOMAIN_MISMATCH", `samples have ${X.length} values, expected ${n} × ${d}`);
  const units = unitLayerIndices(net);
  const out: LocalComplexityRaw = {
    n, radius, counts: new Int32Array(n), perLayer: units.map(() => new Int32Array(n)), nearest: new Float64Array(n).fill(Infinity), method: "generic",
  };
  const record = (s: number, k: number, dist: number): void => {
    if (dist <= radius) { out.counts[s]!++; out.perLayer[k]![s]!++; }
    if (dist < out.nearest[s]!) out.nearest[s] = dist;
  };
  const method = opts.method ?? "auto";
  const chain = method === "generic" ? undefined : mlpChain(net);
  if (!chain && method !== "auto" && method !== "generic") fail("BAD_ARGUMENT", `method ${method} needs a plain MLP (dense → activation chain)`);
  let last = performance.now();
  const tick = async (s: number): Promise<void> => {
    checkAborted(ctx);
    if (performance.now() - last > 100) {
      ctx.onProgress?.({ done: s, total: n, stage: "local complexity" });
      await yieldToEventLoop();
      last = performance.now();
    }
  };
  if (chain) {
    const widths = [d, ...chain.dense.map((l) => l.outSize)];
    let fwd = 0, gram = 0;
    for (let l = 1; l < widths.length; l++) {
      if (l > 1) fwd += widths[l]! * widths[l - 1]! * d;
      if (l > 1) gram += widths[l]! * widths[l - 1]! ** 2 + (l + 1 < widths.length ? widths[l]! ** 2 * widths[l - 1]! : 0);
    }
    out.method = method === "auto" ? (gram < fwd ? "mlp-gram" : "mlp-forward") : method;
    const one = mlpLocalComplexity(chain, d, out.method === "mlp-gram");
    for (let s = 0; s < n; s++) {
      await tick(s);
      one(X.subarray(s * d, (s + 1) * d), (k, dist) => record(s, k, dist));
    }
  } else {
    for (let s = 0; s < n; s++) {
      await tick(s);
      genericSample(net, X.subarray(s * d, (s + 1) * d), units, (k, dist) => record(s, k, dist));
    }
  }
  ctx.onProgress?.({ done: n, total: n, stage: "local complexity" });
  return out;
}

/** MLP fast path: gradient norms of every unit by forward Jacobians (J_l = W_l S J_{l-1}) or Gram matrices (G_l = W S G S Wᵀ). */
function mlpLocalComplexity(
  chain: NonNullable<ReturnType<typeof mlpChain>>, d: number, useGram: boolean,
): (x: Float64Array, record: (k: number, dist: number) => void) => void {
  const { dense, act } = chain;
  const L = dense.length;
  // Layer 1's gradients are its weight rows, whatever the sample: norms (and Gram matrix) once.
  const W1 = dense[0]!.weight, n1 = dense[0]!.outSize;
  const norm1 = new Float64Array(n1);
  for (let u = 0; u < n1; u++) { let q = 0; for (let i = 0; i < d; i++) q += W1[u * d + i]! ** 2; norm1[u] = Math.sqrt(q); }
  let G1: Float64Array | undefined;
  if (useGram && L > 1) {
    G1 = new Float64Array(n1 * n1);
    for (let a = 0; a < n1; a++) for (let b = a; b < n1; b++) {
      let q = 0; for (let i = 0; i < d; i++) q += W1[a * d + i]! * W1[b * d + i]!;
      G1[a * n1 + b] = q; G1[b * n1 + a] = q;
    }
  }
  return (x, record) => {
    let a: Float64Array = x;
    let J: Float64Array = W1, G: Float64Array | undefined = G1, slopes = new Float64Array(0);
    for (let l = 0; l < L; l++) {
      const D = dense[l]!, A = act[l]!, m = D.outSize, k = D.inSize, W = D.weight;
      const z = new Float64Array(m);
      denseForward(D, a, z);
      let norms = norm1;
      if (l > 0) {
        norms = new Float64Array(m);
        const live: number[] = [];
        for (let i = 0; i < k; i++) if (slopes[i] !== 0) live.push(i);
        if (!useGram) {
          const Jn = new Float64Array(m * d);
          for (let u = 0; u < m; u++) {
            const row = Jn.subarray(u * d, (u + 1) * d);
            for (const i of live) {
              const w = W[u * k + i]! * slopes[i]!;
              if (w === 0) continue;
              for (let c = 0, o = i * d; c < d; c++) row[c]! += w * J[o + c]!;
            }
            let q = 0; for (let c = 0; c < d; c++) q += row[c]! ** 2;
            norms[u] = Math.sqrt(q);
          }
          J = Jn;
        } else {
          // P = W S G S on the live units; the next Gram matrix is P S Wᵀ (only its diagonal at the last layer).
          const nl = live.length, P = new Float64Array(m * nl), Ws = new Float64Array(m * nl), Gl = new Float64Array(nl * nl);
          for (let u = 0; u < m; u++) for (let bj = 0; bj < nl; bj++) Ws[u * nl + bj] = W[u * k + live[bj]!]! * slopes[live[bj]!]!;
          for (let aj = 0; aj < nl; aj++) for (let bj = 0; bj < nl; bj++) Gl[aj * nl + bj] = G![live[aj]! * k + live[bj]!]!;
          for (let u = 0; u < m; u++) {
            // row u of P = Σ_aj Ws[u, aj] · Gl[aj, :] (contiguous rows: the cache-friendly order)
            const pu = P.subarray(u * nl, (u + 1) * nl);
            for (let aj = 0; aj < nl; aj++) {
              const w = Ws[u * nl + aj]!;
              if (w === 0) continue;
              for (let bj = 0, o = aj * nl; bj < nl; bj++) pu[bj]! += w * Gl[o + bj]!;
            }
            let q = 0; for (let bj = 0; bj < nl; bj++) q += pu[bj]! * Ws[u * nl + bj]!;
            norms[u] = Math.sqrt(Math.max(q, 0));
          }
          if (l + 1 < L) {
            const Gn = new Float64Array(m * m);
            for (let u = 0; u < m; u++) for (let v = u; v < m; v++) {
              let q = 0; for (let bj = 0; bj < nl; bj++) q += P[u * nl + bj]! * Ws[v * nl + bj]!;
              Gn[u * m + v] = q; Gn[v * m + u] = q;
            }
            G = Gn;
          }
        }
      }
      const next = new Float64Array(m);
      slopes = new Float64Array(m);
      for (let u = 0; u < m; u++) {
        record(l, unitDistance(A, z[u]!, norms[u]!));
        next[u] = activations[A.fn].output(z[u]!, A);
        slopes[u] = slopeAt(A.fn, z[u]!, A);
      }
      a = next;
    }
  };
}

/** Any piecewise-linear or smooth DAG: tangent maps of every layer (d columns) propagated through the exact forward pass. */
function genericSample(net: Network, x: Float64Array, units: number[], record: (k: number, dist: number) => void): void {
  const d = x.length;
  const t = forwardTrace(net, x);
  const tangents: Float64Array[][] = [];
  const eye: Float64Array[] = Array.from({ length: d }, (_, i) => { const e = new Float64Array(d); e[i] = 1; return e; });
  const unitOrdinal = new Map(units.map((li, k) => [li, k]));
  net.layers.forEach((layer, li) => {
    const src = layer.inputs.map((j) => (j === -1 ? eye : tangents[j]!));
    const inShape = layer.inputs[0] === -1 ? net.inputShape : net.layers[layer.inputs[0]!]!.shape;
    const zIn = layer.inputs[0] === -1 ? x : t.values[layer.inputs[0]!]!;
    const size = sizeOf(layer.shape), op = linearPart(layer), cols: Float64Array[] = [];
    for (let c = 0; c < d; c++) {
      const v = src[0]![c]!, y = new Float64Array(size);
      switch (op.kind) {
        case "dense": denseForward(op, v, y); break;
        case "conv2d": conv2dForward(op, inShape, layer.shape, v, y); break;
        case "scale": scaleForward(op, inShape, v, y); break;
        case "pad": padForward(op, inShape, layer.shape, v, y); break;
        case "avgpool": poolForward(op, inShape, layer.shape, v, y); break;
        case "flatten": case "reshape": y.set(v); break;
        case "add": { const b = src[1]![c]!; for (let i = 0; i < size; i++) y[i] = v[i]! + b[i]!; break; }
        case "activation": for (let i = 0; i < size; i++) y[i] = slopeAt(op.fn, zIn[i]!, op) * v[i]!; break;
        case "maxpool": {
          const pooled = new Float64Array(size);
          poolForward(op, inShape, layer.shape, zIn, pooled);
          // the winner's tangent: the cell whose value equals the pooled max (first in scan order)
          for (let o = 0; o < size; o++) { const idx = maxCell(op, inShape, o, zIn); y[o] = v[idx]!; }
          break;
        }
      }
      cols.push(y);
    }
    tangents.push(cols);
    const k = unitOrdinal.get(li);
    if (k === undefined) return;
    const dz = layer.inputs[0] === -1 ? eye : tangents[layer.inputs[0]!]!;
    if (layer.kind === "activation") {
      for (let i = 0; i < size; i++) {
        let q = 0; for (let c = 0; c < d; c++) q += dz[c]![i]! ** 2;
        record(k, unitDistance(layer, zIn[i]!, Math.sqrt(q)));
      }
    } else if (layer.kind === "maxpool") {
      for (let o = 0; o < size; o++) {
        const win = maxCell(layer, inShape, o, zIn);
        let best = Infinity;
        for (const j of cellsOf(layer, inShape, o)) {
          if (j === win) continue;
          let q = 0; for (let c = 0; c < d; c++) q += (dz[c]![win]! - dz[c]![j]!) ** 2;
          if (q > 0) best = Math.min(best, (zIn[win]! - zIn[j]!) / Math.sqrt(q));
        }
        record(k, best);
      }
    }
  });
}

function cellsOf(layer: Layer & { kind: "maxpool" | "avgpool" }, inShape: readonly number[], o: number): number[] {
  const [, H, W] = inShape as [number, number, number];
  const [, OH, OW] = layer.shape as [number, number, number];
  const c = Math.floor(o / (OH * OW)), oy = Math.floor(o / OW) % OH, ox = o % OW, out: number[] = [];
  for (let ky = 0; ky < layer.kernel[0]; ky++) for (let kx = 0; kx < layer.kernel[1]; kx++) {
    const iy = oy * layer.stride[0] - layer.pads[0] + ky, ix = ox * layer.stride[1] - layer.pads[1] + kx;
    if (iy >= 0 && iy < H && ix >= 0 && ix < W) out.push((c * H + iy) * W + ix);
  }
  return out;
}

function maxCell(layer: Layer & { kind: "maxpool" | "avgpool" }, inShape: readonly number[], o: number, z: Float64Array): number {
  let best = -Infinity, idx = -1;
  for (const j of cellsOf(layer, inShape, o)) if (z[j]! > best) { best = z[j]!; idx = j; }
  return idx;
}
