/** Colour scales shared by the pictures: a categorical palette for classes and viridis for magnitudes. */

/** Tableau 10: the categorical palette for predicted classes. */
export const CLASS_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"] as const;

/** Colour of class c (cycles through the palette with darker shades past 10 classes). */
export function classColor(c: number): string {
  const base = CLASS_COLORS[c % CLASS_COLORS.length]!;
  const round = Math.floor(c / CLASS_COLORS.length);
  return round === 0 ? base : shade(base, -0.25 * Math.min(round, 3));
}

const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}

function toHex(r: number, g: number, b: number): string {
  const h = (v: number): string => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, "0");
  return `#${h(r)}${h(g)}${h(b)}`;
}

/** Viridis at t in [0, 1] (clamped), interpolated between ten stops. */
export function viridis(t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2), f = x - i;
  const a = hex(VIRIDIS[i]!), b = hex(VIRIDIS[i + 1]!);
  return toHex(a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]));
}

/** Lighten (amount > 0, towards white) or darken (amount < 0, towards black) a #rrggbb colour. */
export function shade(c: string, amount: number): string {
  const [r, g, b] = hex(c);
  const t = amount > 0 ? 255 : 0, f = Math.abs(amount);
  return toHex(r + (t - r) * f, g + (t - g) * f, b + (t - b) * f);
}

/** Escape text for SVG/XML content and attributes. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[ch]!);
}
