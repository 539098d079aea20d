// The transpose of a dense layer's weight, computed once per weight array and shared by every kernel
// that reads columns (the exact partition's packed products, CROWN's packed columns, the stability
// search's backward pass). Like the SIMD kernels' held copies, this assumes a network's weight arrays
// are not written after it is built (netsize builds new arrays for every new network).

const transposes = new WeakMap<Float64Array, Float64Array>();

/** Wᵀ (inSize × outSize, row-major) of a weight W (outSize × inSize, row-major), cached per array. */
export function transposedWeight(weight: Float64Array, inSize: number, outSize: number): Float64Array {
  let t = transposes.get(weight);
  if (!t || t.length !== inSize * outSize) {
    t = new Float64Array(inSize * outSize);
    for (let o = 0; o < outSize; o++) for (let i = 0; i < inSize; i++) t[i * outSize + o] = weight[o * inSize + i]!;
    transposes.set(weight, t);
  }
  return t;
}
