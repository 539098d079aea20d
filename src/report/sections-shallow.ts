/** Report sections of the deep→shallow form and Olson's ensemble decomposition. */
import type { EnsembleResult, ShallowResult } from "../lenses/shallow/index.js";
import { esc, int, num, pct, tableHtml } from "./html.js";

/** The exact shallow form on a low-dimensional box: terms, hidden units, the equality check, An et al.'s counts. */
export async function shallowSection(r: ShallowResult): Promise<string> {
  const t = r.totals, ch = r.check;
  return `<p>On ${esc(r.box.source ?? "the box")} (free inputs ${esc(r.freeInputs.join(", "))}) the network's ${int(r.regions)} linear regions give an exact <b>max of ${int(t.shallowTerms)} one-hidden-layer ReLU networks</b> with ${int(t.hiddenUnits)} hidden units in all (the network itself: ${int(r.original.hiddenUnits)} hidden units in ${r.original.widths.length} layers), and a lattice form max–min of ${int(t.latticeTerms)} terms. ${ch.passed ? "Checked equal" : "<b>Not equal</b>"}: max |f − f'| = ${ch.maxAbsDiff.toExponential(2)} on ${int(ch.randomPoints)} random points and every region's interior point.</p>
${tableHtml(["target", "affine pieces", "lattice terms", "shallow terms", "hidden units", "largest set", "max |f − f'|"], r.targets.map((x) => [esc(x.name), int(x.pieces), int(x.latticeTerms), int(x.shallowTerms), int(x.hiddenUnits), int(x.maxSet), x.maxAbsDiff.toExponential(2)]))}`;
}

/** Olson's decomposition: each member's error, the vote, the correlation of their residuals. */
export async function ensembleSection(r: EnsembleResult): Promise<string> {
  const errs = r.members.map((m) => m.error);
  return `<p>The output of the ${int(r.hiddenUnits)}-unit last hidden layer is split by a linear program (HiGHS) into <b>${r.members.length} sub-networks</b> whose average equals the network (max |f − f'| = ${r.maxAbsDiff.toExponential(2)} on the ${int(r.samples)} training points; ${num(r.paramsPerSample, 3)} parameters per point). Network training error ${pct(r.networkError)}; members ${pct(Math.min(...errs))}–${pct(Math.max(...errs))} (mean ${pct(r.meanMemberError)}), their majority vote ${pct(r.voteError)}; mean correlation of the members' residuals ${num(r.meanResidualCorrelation, 3)}.</p>
${tableHtml(["member", "units", "training error", "mean hinge"], r.members.map((m, k) => [String(k), int(m.units.length), pct(m.error), num(m.hinge, 3)]))}`;
}
