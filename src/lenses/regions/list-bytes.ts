// What a lens's per-region list costs in JavaScript memory, counted in the partition's byte limit
// (PartitionLimits.extraBytes) as cells are found: with a million regions the list, not the partition,
// is most of the memory (on mnist_relu_9_200 ~3.5 KB a region against the partition's ~1.2 KB), and
// left out of the limit it ran V8 out of heap instead of stopping with LIMIT_EXCEEDED.
//
// The figures are V8's object sizes on 64-bit Node (no pointer compression), rounded up: an object
// 24 B + 8 B a field, a boxed double 16 B, an array 32 B + its backing store (16 B + 8 B a slot, up to
// ~1.5× the length when grown by push), a [x, y] pair 64 B, a pattern a one-byte string (1 B a
// character, 24 B of header). test/regions/list-bytes.test.ts measures the heap on real models: the
// estimate is at least what is used and less than 1.5 times it.
import { Network, sizeOf } from "../../core/network.js";
import { unitLayerIndices } from "../../core/summary.js";

/** Characters of one of the network's pattern strings (one per unit, '|' between unit layers). */
export function patternChars(net: Network): number {
  const sizes = unitLayerIndices(net).map((i) => sizeOf(net.layers[i]!.shape));
  return sizes.reduce((a, n) => a + n, Math.max(0, sizes.length - 1));
}

/** Bytes a slice lens's region (SliceRegion) holds: per region and per polygon vertex. */
export function sliceRegionBytes(outputs: number, chars: number, patterns: boolean): { perCell: number; perVertex: number } {
  // region object, centroid, affine {A, c}: ~640 B; A's pairs and c's slots 96 B an output; polygon 80 B a vertex.
  return { perCell: 640 + 96 * outputs + (patterns ? 64 + chars : 0), perVertex: 80 };
}

/** Bytes a line lens's interval (LineInterval, with details) and its breakpoint hold. */
export function lineIntervalBytes(outputs: number, chars: number, details: boolean, patterns: boolean): { perCell: number; perVertex: number } {
  // breakpoint with one switching unit ~400 B; interval object ~240 B, slope and offset 24 B an output.
  return { perCell: 400 + (details ? 240 + 24 * outputs + (patterns ? 64 + chars : 0) : 0), perVertex: 0 };
}

/** The partition's extraBytes for a list of `b` bytes a region, named `name`, with what leaves it out. */
export function listLimit(b: { perCell: number; perVertex: number }, name: string, remedy: string): { perCell: number; perVertex: number; name: string; remedy: string } {
  return { ...b, name: `${name} (~${Math.round(b.perCell + 4 * b.perVertex).toLocaleString("en-US")} bytes a region)`, remedy };
}
