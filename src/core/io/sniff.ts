// Telling a file's format from its first bytes, not its name.

/** A network file format netsize reads. */
export type NetworkFormat = "json" | "onnx";

/** "json" when the first non-whitespace byte is '{', "onnx" otherwise (protobuf has no magic number). */
export function sniffFormat(bytes: Uint8Array): NetworkFormat {
  for (let i = 0; i < Math.min(bytes.length, 4096); i++) {
    const b = bytes[i]!;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (i === 0 && b === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) { i += 2; continue; } // UTF-8 BOM
    return b === 0x7b ? "json" : "onnx";
  }
  return "onnx";
}
