// The playground's whole state in the URL's fragment, so that a link reproduces the session: the
// data set, the network's architecture and training choices, the steps trained, the view, the drawn
// line and the weights themselves (float32 when every value is a float32 — a network trained by
// TensorFlow.js always is — so the exact regions of the link are those of the session).
import { decodeBase64, encodeBase64, mlp, type ActivationName, type Network } from "../../index.js";
import type { View } from "./plane.js";

export interface PlaygroundState {
  data: string;
  hidden: number[];
  activation: string;
  init: string;
  gamma: number;
  l1: number;
  l2: number;
  optimizer: string;
  lr: number;
  batch: number;
  seed: number;
  /** Redraw every this many steps. */
  every: number;
  /** Steps trained (with the weights: the step they were read at). */
  steps: number;
  view?: View;
  line?: [number, number, number, number];
  /** Every weight and bias in layer order (weights row-major out × in, then biases). */
  weights?: Float64Array;
  /** A dropped CSV's points (x, y interleaved) and labels, carried in the link (at most MAX_URL_POINTS). */
  points?: { x: Float64Array; labels: Int32Array };
}

/** The most CSV points a link carries (a longer fragment than browsers like beyond that). */
export const MAX_URL_POINTS = 5000;

export const DEFAULT_STATE: PlaygroundState = {
  data: "moons:n=200,noise=0.1", hidden: [8, 8], activation: "relu", init: "he-normal", gamma: 2, l1: 0, l2: 0,
  optimizer: "sgd", lr: 0.03, batch: 10, seed: 1, every: 5, steps: 0,
};

function b64url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unb64url(s: string): Uint8Array | undefined {
  const t = s.replace(/-/g, "+").replace(/_/g, "/");
  return decodeBase64(t + "=".repeat((4 - (t.length % 4)) % 4));
}

/** Encode the weights: "f32:" when float32 holds every value exactly, else "f64:". */
export function encodeWeights(w: Float64Array): string {
  const f = Float32Array.from(w);
  const exact = f.every((x, i) => x === w[i]);
  return exact ? `f32:${b64url(new Uint8Array(f.buffer))}` : `f64:${b64url(new Uint8Array(Float64Array.from(w).buffer))}`;
}

export function decodeWeights(s: string): Float64Array | undefined {
  const [kind, body] = [s.slice(0, 4), s.slice(4)];
  const bytes = unb64url(body);
  if (!bytes) return undefined;
  const copy = bytes.slice();
  if (kind === "f32:" && copy.length % 4 === 0) return Float64Array.from(new Float32Array(copy.buffer));
  if (kind === "f64:" && copy.length % 8 === 0) return new Float64Array(copy.buffer);
  return undefined;
}

const num = (v: string | null, d: number): number => { const x = v === null ? NaN : Number(v); return Number.isFinite(x) ? x : d; };

/** The state in a URL fragment (without '#'); unknown or malformed fields take their defaults. */
export function parseState(hash: string): PlaygroundState {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const d = DEFAULT_STATE;
  const hidden = (q.get("h") ?? "").split(",").filter(Boolean).map(Number);
  const s: PlaygroundState = {
    data: q.get("data") ?? d.data,
    hidden: q.has("h") && hidden.every((h) => Number.isInteger(h) && h >= 1 && h <= 4096) ? hidden : d.hidden,
    activation: q.get("act") ?? d.activation, init: q.get("init") ?? d.init,
    gamma: num(q.get("gamma"), d.gamma), l1: num(q.get("l1"), d.l1), l2: num(q.get("l2"), d.l2),
    optimizer: q.get("opt") ?? d.optimizer, lr: num(q.get("lr"), d.lr), batch: Math.max(1, Math.round(num(q.get("batch"), d.batch))),
    seed: Math.round(num(q.get("seed"), d.seed)), every: Math.max(1, Math.round(num(q.get("every"), d.every))), steps: Math.max(0, Math.round(num(q.get("steps"), 0))),
  };
  const view = (q.get("view") ?? "").split(",").map(Number);
  if (view.length === 3 && view.every(Number.isFinite) && view[2]! > 0) s.view = { cx: view[0]!, cy: view[1]!, scale: view[2]! };
  const line = (q.get("line") ?? "").split(",").map(Number);
  if (line.length === 4 && line.every(Number.isFinite)) s.line = line as [number, number, number, number];
  const w = q.get("w");
  if (w) { const ws = decodeWeights(w); if (ws && ws.every(Number.isFinite)) s.weights = ws; }
  const px = q.get("px"), pl = q.get("pl");
  if (px && pl) {
    const x = decodeWeights(px);
    const labels = Int32Array.from(pl, (c) => parseInt(c, 36));
    if (x && x.every(Number.isFinite) && x.length === 2 * labels.length && labels.every((l) => l >= 0) && labels.length <= MAX_URL_POINTS) s.points = { x, labels };
  }
  return s;
}

/** The URL fragment of a state (without '#'). */
export function formatState(s: PlaygroundState): string {
  const q = new URLSearchParams();
  q.set("data", s.data); q.set("h", s.hidden.join(",")); q.set("act", s.activation); q.set("init", s.init);
  q.set("gamma", String(s.gamma)); q.set("l1", String(s.l1)); q.set("l2", String(s.l2)); q.set("opt", s.optimizer);
  q.set("lr", String(s.lr)); q.set("batch", String(s.batch)); q.set("seed", String(s.seed)); q.set("every", String(s.every));
  q.set("steps", String(s.steps));
  if (s.view) q.set("view", [s.view.cx, s.view.cy, s.view.scale].map((x) => +x.toPrecision(6)).join(","));
  if (s.line) q.set("line", s.line.map((x) => +x.toPrecision(6)).join(","));
  if (s.weights) q.set("w", encodeWeights(s.weights));
  if (s.points && s.points.labels.length <= MAX_URL_POINTS && s.points.labels.every((l) => l < 36)) {
    q.set("px", encodeWeights(s.points.x));
    q.set("pl", Array.from(s.points.labels, (l) => l.toString(36)).join(""));
  }
  return q.toString();
}

/** Every weight and bias of a network's dense layers in layer order (what the link carries). */
export function flatWeights(net: Network): Float64Array {
  const parts: Float64Array[] = [];
  for (const l of net.layers) if (l.kind === "dense") parts.push(l.weight, l.bias);
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** The MLP of `widths` whose weights are `w` (flatWeights' order); an error when they do not fit. */
export function mlpFromFlat(widths: readonly number[], w: Float64Array, act: ActivationName): Network {
  const misfit = (): Error => new Error(`the link's weights do not fit the architecture ${widths.join("-")}`);
  let at = 0;
  const layers: { weight: Float64Array; bias: Float64Array }[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const nw = widths[l]! * widths[l + 1]!, nb = widths[l + 1]!;
    if (at + nw + nb > w.length) throw misfit();
    layers.push({ weight: w.slice(at, at + nw), bias: w.slice(at + nw, at + nw + nb) });
    at += nw + nb;
  }
  if (at !== w.length) throw misfit();
  return mlp(widths, layers, act);
}
