// Node strengths of a weight matrix (Scabini et al.: the signed sums of each neuron's weights) and their spread.

/** Strength of every input (column sums) and output (row sums) of a rows × cols matrix; strength is the signed sum of weights. */
export function strengths(w: Float64Array, rows: number, cols: number): { input: Float64Array; output: Float64Array } {
  const input = new Float64Array(cols), output = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) { const v = w[r * cols + c]!; s += v; input[c] += v; }
    output[r] = s;
  }
  return { input, output };
}

/** Population variance. */
export function variance(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i]!;
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i]! - m) ** 2;
  return v / a.length;
}

/** The authors' strength score of a matrix: mean of the input- and output-strength variances. */
export function strengthScore(w: Float64Array, rows: number, cols: number): number {
  const s = strengths(w, rows, cols);
  return (variance(s.input) + variance(s.output)) / 2;
}
