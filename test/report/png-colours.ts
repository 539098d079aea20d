// A tiny PNG reader for tests: the distinct colours of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots are).
import { inflateSync } from "node:zlib";

/** Distinct RGBA colours of a PNG (8-bit RGB/RGBA, not interlaced), counted up to `cap`. */
export function distinctColours(png: Uint8Array, cap = 1 << 20): number {
  const b = Buffer.from(png);
  if (b.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let off = 8, width = 0, height = 0, channels = 0;
  const idat: Buffer[] = [];
  while (off < b.length) {
    const len = b.readUInt32BE(off), type = b.toString("ascii", off + 4, off + 8), data = b.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      const depth = data[8], colour = data[9], interlace = data[12];
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) throw new Error(`unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${interlace})`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat)), stride = width * channels;
  const prev = new Uint8Array(stride), cur = new Uint8Array(stride), seen = new Set<number>();
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!, row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0, up = prev[i]!, c = i >= channels ? prev[i - channels]! : 0;
      let v = row[i]!;
      if (f === 1) v += a; else if (f === 2) v += up; else if (f === 3) v += (a + up) >> 1;
      else if (f === 4) { const p = a + up - c, pa = Math.abs(p - a), pb = Math.abs(p - up), pc = Math.abs(p - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c; }
      cur[i] = v & 255;
    }
    for (let x = 0; x < width && seen.size < cap; x++) {
      const k = x * channels;
      seen.add(((cur[k]! << 16) | (cur[k + 1]! << 8) | cur[k + 2]!) * 256 + (channels === 4 ? cur[k + 3]! : 255));
    }
    prev.set(cur);
  }
  return seen.size;
}
