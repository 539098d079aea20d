// The demo's one table: a newcomer reads down a column to see how much smaller a network really is.
import { HeadlineRow } from "./headline.js";

const int = (n: number): string => n.toLocaleString("en-US");
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** A big decimal integer as "≈ 2.6 × 10^7" (exact below a million). */
export function approx(dec: string): string {
  if (dec.length <= 7) return int(Number(dec));
  return `≈ ${dec[0]}.${dec[1]} × 10^${dec.length - 1}`;
}

/** Render the headline rows as a fixed-width table with one column per network. */
export function renderTable(rows: HeadlineRow[]): string {
  const lines: [string, ...string[]][] = [
    ["", ...rows.map((r) => r.label)],
    ["held-out accuracy (2,000 digits)", ...rows.map((r) => (r.accuracy === undefined ? "-" : pct(r.accuracy)))],
    ["parameters", ...rows.map((r) => int(r.params))],
    ["hidden units", ...rows.map((r) => `${r.hiddenWidths.reduce((a, b) => a + b, 0)} (${r.hiddenWidths.join("+")})`)],
    ["linear regions on the slice (exact)", ...rows.map((r) => int(r.slice.regions))],
    ["  most a 2-D slice can have (Serra)", ...rows.map((r) => approx(r.slice.serraUpper2d))],
    ["stable units on [0,1]^784", ...rows.map((r) => `${r.stable.active + r.stable.inactive} of ${r.stable.units}`)],
    ["  always on / always off", ...rows.map((r) => `${r.stable.active} / ${r.stable.inactive}`)],
    ["  proven by", ...rows.map((r) => `${r.stable.certificate}${r.stable.complete ? "" : " (incomplete)"}`)],
    ["exactly equal smaller network", ...rows.map((r) => `784-${r.compressed.hiddenWidths.join("-")}-10`)],
    ["  its parameters", ...rows.map((r) => `${int(r.compressed.params)} (${pct(r.compressed.params / r.params)})`)],
    ["  max |f - f'| on [0,1]^784", ...rows.map((r) => `${r.compressed.maxAbsDiff.toExponential(1)} (${int(r.compressed.points)} pts)`)],
  ];
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  return lines
    .map((l, i) => {
      const s = l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("   ");
      return i === 0 ? `${s}\n${"-".repeat(s.length)}` : s;
    })
    .join("\n");
}
