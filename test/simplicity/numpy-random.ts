// numpy's legacy RandomState (np.random.seed + standard_normal), bit for bit: MT19937 seeded by
// init_genrand, 53-bit doubles from two draws, and the polar Box–Muller pair whose second value is
// returned first and whose first is kept for the next call. Used to reproduce the FAU GDV test draws.

/** A numpy.random.RandomState(seed) stand-in with standard_normal only. */
export function numpyRandomState(seed: number): { standardNormal(n: number): Float64Array } {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) {
    const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
  let mti = 624;
  const next32 = (): number => {
    if (mti >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % 624]! & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      mti = 0;
    }
    let y = mt[mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const double = (): number => { const a = next32() >>> 5, b = next32() >>> 6; return (a * 67108864 + b) / 9007199254740992; };
  let spare: number | undefined;
  const gauss = (): number => {
    if (spare !== undefined) { const s = spare; spare = undefined; return s; }
    let x1 = 0, x2 = 0, r2 = 0;
    do { x1 = 2 * double() - 1; x2 = 2 * double() - 1; r2 = x1 * x1 + x2 * x2; } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    spare = f * x1;
    return f * x2;
  };
  return { standardNormal: (n) => Float64Array.from({ length: n }, gauss) };
}
