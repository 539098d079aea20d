/**
 * Slices and paths through input space: the plane through three points (the convention of the
 * peers' grid_regions.py: origin = mean of the points, basis = QR of (p1−p0, p2−p0)), a plane from a
 * point and two directions, and polylines.
 */
import { fail } from "../../core/errors.js";

/** A 2-D affine slice of input space: x(u, v) = origin + u·basis[0] + v·basis[1], with an orthonormal basis. */
export interface Plane {
  origin: Float64Array;
  basis: [Float64Array, Float64Array];
  /** The defining points' slice coordinates (three anchors, or the point alone), for pictures. */
  anchors: [number, number][];
}

/** A path of input space: a polyline through points, or the segment point + t·direction for t in range. */
export type LinePath =
  | { points: ArrayLike<number>[] }
  | { point: ArrayLike<number>; direction: ArrayLike<number>; range?: [number, number] };

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function checkVector(p: ArrayLike<number>, d: number, what: string): void {
  if (p.length !== d) fail("DOMAIN_MISMATCH", `${what} has ${p.length} values, expected ${d}`);
  for (let i = 0; i < p.length; i++) if (!Number.isFinite(p[i]!)) fail("BAD_ARGUMENT", `${what}[${i}] is ${p[i]}; points must be finite`);
}

/**
 * One Householder step as LAPACK's dlarfg does it, on column a from row r: returns tau and writes the
 * reflector v (v[r] = 1) so that numpy.linalg.qr's signs are reproduced exactly.
 */
function householder(a: Float64Array, r: number, v: Float64Array): number {
  const alpha = a[r]!;
  let xnorm = 0;
  for (let i = r + 1; i < a.length; i++) xnorm = Math.hypot(xnorm, a[i]!);
  v.fill(0);
  v[r] = 1;
  if (xnorm === 0) return 0;
  // Fortran SIGN(x, alpha): +|x| for alpha >= +0, -|x| for alpha < 0 (and for -0).
  const neg = alpha < 0 || Object.is(alpha, -0);
  const beta = (neg ? 1 : -1) * Math.hypot(alpha, xnorm);
  const tau = (beta - alpha) / beta;
  const scale = 1 / (alpha - beta);
  for (let i = r + 1; i < a.length; i++) v[i] = a[i]! * scale;
  return tau;
}

function reflect(x: Float64Array, v: Float64Array, tau: number): void {
  if (tau === 0) return;
  const s = tau * dot(v, x);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! - s * v[i]!;
}

/** The first two columns of Q in A = QR for A = [a1 a2] (d × 2), with LAPACK's (numpy's) sign convention. */
export function qr2(a1: ArrayLike<number>, a2: ArrayLike<number>): [Float64Array, Float64Array] {
  const d = a1.length;
  if (d < 2) fail("DOMAIN_MISMATCH", "a 2-D slice needs inputs of at least 2 values");
  const c1 = Float64Array.from(a1), c2 = Float64Array.from(a2);
  const v1 = new Float64Array(d), v2 = new Float64Array(d);
  const n1 = Math.sqrt(dot(c1, c1));
  const t1 = householder(c1, 0, v1);
  reflect(c2, v1, t1);
  let rest = 0;
  for (let i = 1; i < d; i++) rest += c2[i]! * c2[i]!;
  if (!(n1 > 0) || !(Math.sqrt(rest) > 1e-12 * Math.max(n1, Math.sqrt(dot(a2, a2))))) {
    fail("BAD_ARGUMENT", "the three points (or two directions) are collinear: they do not span a plane");
  }
  const t2 = householder(c2, 1, v2);
  const q1 = new Float64Array(d), q2 = new Float64Array(d);
  q1[0] = 1; q2[1] = 1;
  reflect(q1, v2, t2); reflect(q1, v1, t1);
  reflect(q2, v2, t2); reflect(q2, v1, t1);
  return [q1, q2];
}

function coords(plane: Omit<Plane, "anchors">, p: ArrayLike<number>): [number, number] {
  const d = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) d[i] = p[i]! - plane.origin[i]!;
  return [dot(plane.basis[0], d), dot(plane.basis[1], d)];
}

/** The plane through three points: origin at their mean, orthonormal basis from QR of (p1−p0, p2−p0). */
export function planeThrough(p0: ArrayLike<number>, p1: ArrayLike<number>, p2: ArrayLike<number>): Plane {
  const d = p0.length;
  checkVector(p0, d, "point 0"); checkVector(p1, d, "point 1"); checkVector(p2, d, "point 2");
  const origin = new Float64Array(d), a1 = new Float64Array(d), a2 = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    origin[i] = (p0[i]! + p1[i]! + p2[i]!) / 3;
    a1[i] = p1[i]! - p0[i]!;
    a2[i] = p2[i]! - p0[i]!;
  }
  const basis = qr2(a1, a2);
  const plane = { origin, basis };
  return { ...plane, anchors: [coords(plane, p0), coords(plane, p1), coords(plane, p2)] };
}

/** The plane through a point along two directions (orthonormalised the same way); the point is the origin. */
export function planeFromDirections(point: ArrayLike<number>, d1: ArrayLike<number>, d2: ArrayLike<number>): Plane {
  const d = point.length;
  checkVector(point, d, "point"); checkVector(d1, d, "direction 1"); checkVector(d2, d, "direction 2");
  return { origin: Float64Array.from(point), basis: qr2(d1, d2), anchors: [[0, 0]] };
}

/** Slice coordinates of an input-space point (its orthogonal projection onto the plane). */
export function planeCoords(plane: Plane, p: ArrayLike<number>): [number, number] {
  return coords(plane, p);
}

/** The input-space point at slice coordinates (u, v). */
export function planePoint(plane: Plane, u: number, v: number, out = new Float64Array(plane.origin.length)): Float64Array {
  const { origin, basis } = plane;
  for (let i = 0; i < origin.length; i++) out[i] = origin[i]! + u * basis[0][i]! + v * basis[1][i]!;
  return out;
}

/** The square [−h, h]² as a counter-clockwise polygon. */
export function squareDomain(h: number): Float64Array {
  if (!(h > 0) || !Number.isFinite(h)) fail("BAD_ARGUMENT", `the half-width must be a positive number, got ${h}`);
  return Float64Array.from([-h, -h, h, -h, h, h, -h, h]);
}

/** Validate a convex polygon given as [u, v] pairs; returns it flat and counter-clockwise. */
export function convexPolygon(points: readonly (readonly [number, number] | readonly number[])[]): Float64Array {
  const n = points.length;
  if (n < 3) fail("BAD_ARGUMENT", `a polygon needs at least 3 vertices, got ${n}`);
  const flat = new Float64Array(2 * n);
  points.forEach((p, i) => {
    if (p.length !== 2 || !Number.isFinite(p[0]!) || !Number.isFinite(p[1]!)) fail("BAD_ARGUMENT", `polygon vertex ${i} must be two finite numbers`);
    flat[2 * i] = p[0]!; flat[2 * i + 1] = p[1]!;
  });
  let sign = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n, l = (i + 2) % n;
    const cross = (flat[2 * j]! - flat[2 * i]!) * (flat[2 * l + 1]! - flat[2 * j + 1]!) - (flat[2 * j + 1]! - flat[2 * i + 1]!) * (flat[2 * l]! - flat[2 * j]!);
    if (cross === 0) continue;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) fail("BAD_ARGUMENT", "the polygon is not convex; split it into convex parts");
  }
  if (sign === 0) fail("BAD_ARGUMENT", "the polygon has no area");
  if (sign < 0) {
    const r = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) { r[2 * i] = flat[2 * (n - 1 - i)]!; r[2 * i + 1] = flat[2 * (n - 1 - i) + 1]!; }
    return r;
  }
  return flat;
}

/** The segments of a path as (start point, direction, parameter range, global offset of the parameter). */
export function pathSegments(path: LinePath, d: number): { origin: Float64Array; direction: Float64Array; t0: number; t1: number; shift: number }[] {
  if ("points" in path) {
    const pts = path.points;
    if (pts.length < 2) fail("BAD_ARGUMENT", `a line needs at least 2 points, got ${pts.length}`);
    pts.forEach((p, i) => checkVector(p, d, `point ${i}`));
    const segs = [];
    for (let i = 0; i + 1 < pts.length; i++) {
      const origin = Float64Array.from(pts[i]!);
      const direction = new Float64Array(d);
      let len = 0;
      for (let q = 0; q < d; q++) { direction[q] = pts[i + 1]![q]! - origin[q]!; len += direction[q]! ** 2; }
      if (len === 0) fail("BAD_ARGUMENT", `points ${i} and ${i + 1} of the line are equal`);
      segs.push({ origin, direction, t0: 0, t1: 1, shift: i });
    }
    return segs;
  }
  checkVector(path.point, d, "point"); checkVector(path.direction, d, "direction");
  const [t0, t1] = path.range ?? [-1, 1];
  if (!(t0 < t1) || !Number.isFinite(t0) || !Number.isFinite(t1)) fail("BAD_ARGUMENT", `the line's range must be t0 < t1, got [${t0}, ${t1}]`);
  if (dot(path.direction, path.direction) === 0) fail("BAD_ARGUMENT", "the line's direction is zero");
  return [{ origin: Float64Array.from(path.point), direction: Float64Array.from(path.direction), t0, t1, shift: 0 }];
}
