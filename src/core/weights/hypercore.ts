// k-hypercore numbers of a layer's input neurons and the Hcore-Init re-initialisation after
// Limnios, Dasoulas, Thilikos & Vazirgiannis (ICPR 2020). The paper's definitions could not be
// read (no code exists); this is the reconstruction of the shared notes, flagged as such:
// the weight matrix between layers is a bipartite graph B = (U, V) with |W_vu| as edge weights,
// each output v a hyperedge over the inputs U, and the (k, l)-hypercore the maximal subgraph with
// weighted degree ≥ k on U and ≥ l on V.

/** Options of the hypercore peeling. */
export interface HypercoreOptions {
  /** Hyperedge threshold l as a fraction of the mean initial hyperedge degree (default 0.5); 0 reduces to sorting U by degree. */
  lambda?: number;
}

/**
 * Hypercore number of every input neuron u of a rows × cols magnitude matrix a (rows = V, cols = U):
 * peel U Batagelj–Zaversnik style (remove the u of least degree; its number is the running max of
 * the degrees removed), dropping every hyperedge whose degree falls below l before each removal.
 */
export function hypercoreNumbers(a: Float64Array, rows: number, cols: number, opts: HypercoreOptions = {}): Float64Array {
  const dU = new Float64Array(cols), dV = new Float64Array(rows);
  for (let v = 0; v < rows; v++) for (let u = 0; u < cols; u++) { const x = a[v * cols + u]!; dU[u] += x; dV[v] += x; }
  let meanV = 0;
  for (let v = 0; v < rows; v++) meanV += dV[v]!;
  meanV /= rows;
  const l = (opts.lambda ?? 0.5) * meanV;
  const aliveU = new Uint8Array(cols).fill(1), aliveV = new Uint8Array(rows).fill(1);
  const core = new Float64Array(cols);
  let k = 0;
  for (let left = cols; left > 0; left--) {
    for (let v = 0; v < rows; v++) {
      if (!aliveV[v] || dV[v]! >= l) continue;
      aliveV[v] = 0;
      for (let u = 0; u < cols; u++) if (aliveU[u]) dU[u] -= a[v * cols + u]!;
    }
    let best = -1;
    for (let u = 0; u < cols; u++) if (aliveU[u] && (best < 0 || dU[u]! < dU[best]!)) best = u;
    k = Math.max(k, Math.max(0, dU[best]!));
    core[best] = k;
    aliveU[best] = 0;
    for (let v = 0; v < rows; v++) if (aliveV[v]) dV[v] -= a[v * cols + best]!;
  }
  return core;
}

/**
 * Per-input scale factors from hypercore numbers: ĉ = c / max c, divided by the root mean square of
 * ĉ so the layer's overall weight variance (and so the base initialisation's scale) is kept.
 */
export function hypercoreScales(core: Float64Array): Float64Array {
  let max = 0;
  for (const c of core) max = Math.max(max, c);
  const out = new Float64Array(core.length);
  if (max === 0) return out.fill(1);
  let ms = 0;
  for (let i = 0; i < core.length; i++) { out[i] = core[i]! / max; ms += out[i]! ** 2; }
  const rms = Math.sqrt(ms / core.length);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / rms;
  return out;
}

/**
 * Edge magnitudes of an affine node's weights as a rows × inputs matrix: |W_vu| for dense; for
 * conv (channels as nodes, an assumption of the notes) the L2 norm of each kh×kw kernel slice.
 */
export function edgeMagnitudes(weight: Float64Array, rows: number, inputs: number, area: number): Float64Array {
  const a = new Float64Array(rows * inputs);
  for (let v = 0; v < rows; v++) {
    for (let u = 0; u < inputs; u++) {
      let s = 0;
      for (let k = 0; k < area; k++) s += weight[(v * inputs + u) * area + k]! ** 2;
      a[v * inputs + u] = Math.sqrt(s);
    }
  }
  return a;
}

/** Scale the outgoing weights of each input u (column u, or kernel slices of input channel u) of a fresh weight by s(u), in place. */
export function scaleInputs(weight: Float64Array, rows: number, inputs: number, area: number, s: Float64Array): Float64Array {
  for (let v = 0; v < rows; v++) for (let u = 0; u < inputs; u++) for (let k = 0; k < area; k++) weight[(v * inputs + u) * area + k] *= s[u]!;
  return weight;
}
