/** A labelled (or unlabelled) data set: n samples of d features, row-major float64. */
export interface Dataset {
  name: string;
  n: number;
  /** Per-sample shape of the features, e.g. [784]. */
  shape: number[];
  /** n × prod(shape), row-major. */
  x: Float64Array;
  /** Class labels (n), when the data set has them. */
  labels?: Int32Array;
  /** Regression targets (n × targetSize), when the data set has them. */
  y?: Float64Array;
  targetSize?: number;
}

/** Feature vector of sample i (a view, not a copy). */
export function sample(ds: Dataset, i: number): Float64Array {
  const d = ds.x.length / ds.n;
  return ds.x.subarray(i * d, (i + 1) * d);
}

/** A subset of rows (copies). */
export function subset(ds: Dataset, idx: ArrayLike<number>, name = ds.name): Dataset {
  const d = ds.x.length / ds.n;
  const x = new Float64Array(idx.length * d);
  const labels = ds.labels ? new Int32Array(idx.length) : undefined;
  const t = ds.targetSize ?? 0;
  const y = ds.y ? new Float64Array(idx.length * t) : undefined;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    x.set(ds.x.subarray(i * d, (i + 1) * d), k * d);
    if (labels) labels[k] = ds.labels![i]!;
    if (y) y.set(ds.y!.subarray(i * t, (i + 1) * t), k * t);
  }
  return { name, n: idx.length, shape: [...ds.shape], x, ...(labels ? { labels } : {}), ...(y ? { y, targetSize: t } : {}) };
}
