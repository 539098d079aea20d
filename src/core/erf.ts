// erf and erfc in float64, accurate to a few ulps (checked against 30-digit mpmath values in
// test/core/activations-precision.test.ts). |x| < 3: erf(x) = (2/√π)·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)),
// a series of positive terms (no cancellation). |x| ≥ 3: erfc by its continued fraction
// erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by the modified Lentz method.

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** (2/√π)·e^(−x²)·Σ: erf(x) for |x| < 3. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ 3 by the continued fraction (Lentz). */
function erfcFraction(x: number): number {
  // erfc(x)·√π·e^(x²) = 1/(x + a1/(x + a2/(x + …))), a_k = k/2.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function, float64-accurate (a few ulps). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 3) return erfSeries(x);
  const c = x > 27 || x < -27 ? 0 : erfcFraction(Math.abs(x));
  return x > 0 ? 1 - c : c - 1;
}

/** The complementary error function 1 − erf(x), accurate also where it is tiny (x ≫ 0). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  // From 2 on the fraction (erfc(2) = 4.7e-3: 1 − erf would lose two to five digits there).
  if (x >= 2) return x > 27 ? 0 : erfcFraction(x);
  if (x <= -3) return 2 - (x < -27 ? 0 : erfcFraction(-x));
  return 1 - erfSeries(x);
}
