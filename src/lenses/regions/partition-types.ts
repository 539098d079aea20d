// The contract of the exact partition (partition.ts): where it runs, its limits (and what passing one
// says), and what it returns.
import { NetsizeError } from "../../core/errors.js";

/** Where to partition: x(u) = origin + Σ_c u_c·basis[c] over the cell `domain` (k coordinates per vertex). */
export interface PartitionSpec {
  origin: Float64Array;
  basis: Float64Array[];
  /** 1-D: [t0, t1]; 2-D: a convex polygon, counter-clockwise, flat [u0, v0, u1, v1, ...]. */
  domain: Float64Array;
}

/** Limits of a partition run. */
export interface PartitionLimits {
  /** Stop with LIMIT_EXCEEDED when the number of cells exceeds this (default 1,000,000). */
  maxRegions?: number;
  /** Stop with LIMIT_EXCEEDED when the per-cell storage would exceed this many bytes (default 1 GiB). */
  maxBytes?: number;
  /**
   * Storage the caller builds per final cell (a lens's region list: JavaScript objects and strings),
   * counted in maxBytes as cells are found, so the limit bounds what the caller ends up holding;
   * LIMIT_EXCEEDED names it ("the partition and {name} need more than …") and says what leaves it out (remedy).
   */
  extraBytes?: { perCell: number; perVertex: number; name: string; remedy: string };
}

/** The final cells with their output maps and, per unit layer, their patterns. */
export interface Partition {
  k: number;
  count: number;
  /** Vertices of the final cells (k numbers each); cell i starts at cellOff[i] and has cellLen[i] vertices. */
  verts: Float64Array;
  cellOff: Int32Array;
  cellLen: Int32Array;
  outSize: number;
  /** Per cell, (k+1) × outSize channel-major: output = Σ_c u_c·map[c] + map[k]. */
  outMap: Float64Array;
  unitLayers: number[];
  unitSizes: number[];
  /** patterns[s]: rows of pattern for unit layer s, one per cell of generation s+1. */
  patterns: Uint8Array[];
  /** ancestor[s][i]: the row of patterns[s] that final cell i belongs to. */
  ancestor: Int32Array[];
  /** Cells after each unit layer. */
  perLayer: number[];
  /** Splits undone because one side was below the sliver measure. */
  slivers: number;
  /** Units found constant on a whole cell because their row was numerically zero. */
  zeroRows: number;
  /** Measure (length or area) of the domain. */
  measure: number;
}

/** LIMIT_EXCEEDED for a partition stopped after `count` cells (its partial result): by bytes or by count. */
export function limitExceeded(count: number, unitLayers: number, byBytes: boolean, limits: Required<Pick<PartitionLimits, "maxRegions" | "maxBytes">> & Pick<PartitionLimits, "extraBytes">): never {
  const partial = { regionsAtLeast: count, unitLayers, complete: false };
  const x = limits.extraBytes;
  if (byBytes) {
    throw new NetsizeError("LIMIT_EXCEEDED", `the partition${x ? ` and ${x.name}` : ""} need${x ? "" : "s"} more than ${Math.round(limits.maxBytes / 2 ** 20)} MiB (at least ${count.toLocaleString("en-US")} regions so far); use a smaller domain (--half-width)${x ? `, ${x.remedy}` : ""}`, {}, partial);
  }
  throw new NetsizeError("LIMIT_EXCEEDED", `more than ${limits.maxRegions} regions; raise --max-regions or use a smaller domain`, {}, partial);
}
