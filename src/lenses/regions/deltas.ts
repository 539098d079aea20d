// How a decided line's effect on the maps a split carries is written into a Splitter's delta lists
// (split.ts reads them back): a unit going from one piece to the next adds dz = Δslope·z + Δoffset
// times that unit's response in the next layers.
import type { F64Buf, I32Buf } from "./cells.js";

/** A Splitter's delta lists: entries [deltaStart, deltaStart + deltaLen) of deltaIdx / deltaVal; length -1 = dense. */
export interface DeltaLists { deltaStart: I32Buf; deltaLen: I32Buf; deltaIdx: I32Buf; deltaVal: F64Buf }

/**
 * The delta dz ⊗ column i of a dense weight (outSize × inSize). Where no entry of it is zero it is
 * stored dense (the whole payload, channel-major, length marked -1); otherwise sparse, its zeros left
 * out as SegmentResponse leaves them out (adding a zero could turn a -0 into +0).
 */
export function pushColumnDelta(d: DeltaLists, dz: Float64Array, K: number, weight: Float64Array, inSize: number, outSize: number, i: number): void {
  const start = d.deltaIdx.n;
  d.deltaStart.push(start);
  d.deltaIdx.reserve(K * outSize); d.deltaVal.reserve(K * outSize);
  const di = d.deltaIdx.a, dv = d.deltaVal.a;
  let at = start, dense = true;
  for (let c = 0; c < K && dense; c++) {
    const v = dz[c]!, o0 = at + c * outSize;
    for (let o = 0; o < outSize; o++) {
      const val = v * weight[o * inSize + i]!;
      if (val === 0) { dense = false; break; }
      dv[o0 + o] = val;
    }
  }
  if (dense) {
    at += K * outSize;
    d.deltaIdx.n = at; d.deltaVal.n = at;
    d.deltaLen.push(-1);
    return;
  }
  for (let o = 0; o < outSize; o++) {
    const r = weight[o * inSize + i]!;
    if (r === 0) continue;
    for (let c = 0; c < K; c++) {
      const val = dz[c]! * r;
      if (val === 0) continue;
      di[at] = c * outSize + o; dv[at] = val; at++;
    }
  }
  d.deltaIdx.n = at; d.deltaVal.n = at;
  d.deltaLen.push(at - start);
}

/**
 * The delta dz ⊗ a unit's sparse response (entries: target t, element e, value r), written at payOff[t]
 * in the payload, whose carried map t (layer carried[t]) has size[carried[t]] elements per channel.
 */
export function pushResponseDelta(d: DeltaLists, dz: Float64Array, K: number, respT: I32Buf, respE: I32Buf, respVal: F64Buf, carried: readonly number[], size: readonly number[], payOff: readonly number[]): void {
  const start = d.deltaIdx.n;
  d.deltaStart.push(start);
  d.deltaIdx.reserve(K * respE.n); d.deltaVal.reserve(K * respE.n);
  for (let e = 0; e < respE.n; e++) {
    const t = respT.a[e]!, el = respE.a[e]!, r = respVal.a[e]!;
    const sz = size[carried[t]!]!, o0 = payOff[t]!;
    for (let c = 0; c < K; c++) {
      const val = dz[c]! * r;
      if (val === 0) continue;
      d.deltaIdx.a[d.deltaIdx.n++] = o0 + c * sz + el;
      d.deltaVal.a[d.deltaVal.n++] = val;
    }
  }
  d.deltaLen.push(d.deltaIdx.n - start);
}
