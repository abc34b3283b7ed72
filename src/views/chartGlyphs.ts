import fs from "node:fs";

// The chart's labels as outlines (issue 11, a digest chart cheap to draw). resvg-js 2.6 takes fonts only as
// files and reads and parses the file again for every <text> element it lays out (about 0.6 ms each with
// DejaVu Sans, some 30 labels a chart: most of the time of a PNG). So the font is read once, here, and
// rasterise() hands resvg each label already turned into a <path> of the font's own TrueType outlines.
// The SVG text (what tests and people read) is unchanged; only the copy given to the rasteriser changes.
//
// Enough of TrueType for that: cmap (formats 4 and 12), hmtx advances, glyf outlines (simple and composite),
// hhea's ascender and descender for `dominant-baseline="central"`. No kerning and no shaping: chart labels
// are short Latin text. A label this cannot lay out (another baseline, letter spacing, a glyph the font lacks)
// stays a <text> and resvg draws it as before.

interface Point {
  x: number;
  y: number;
  on: boolean;
}

export interface OutlineFont {
  unitsPerEm: number;
  ascender: number;
  descender: number;
  /** glyph id of a code point (0: the font has none) */
  glyphOf(codePoint: number): number;
  advance(glyph: number): number;
  /** contours in font units (y up), cached per glyph */
  contours(glyph: number): Point[][];
}

export function readOutlineFont(file: string): OutlineFont {
  const buf = fs.readFileSync(file);
  const u16 = (o: number) => buf.readUInt16BE(o);
  const i16 = (o: number) => buf.readInt16BE(o);
  const u32 = (o: number) => buf.readUInt32BE(o);
  const tables = new Map<string, number>();
  for (let i = 0, n = u16(4); i < n; i++) {
    const rec = 12 + i * 16;
    tables.set(buf.toString("latin1", rec, rec + 4), u32(rec + 8));
  }
  const table = (tag: string): number => {
    const o = tables.get(tag);
    if (o === undefined) throw new Error(`${file}: no ${tag} table`);
    return o;
  };
  const head = table("head");
  const hhea = table("hhea");
  const hmtx = table("hmtx");
  const loca = table("loca");
  const glyf = table("glyf");
  const unitsPerEm = u16(head + 18);
  const longLoca = i16(head + 50) === 1;
  const numGlyphs = u16(table("maxp") + 4);
  const numberOfHMetrics = u16(hhea + 34);
  const glyphStart = (g: number) => (longLoca ? u32(loca + g * 4) : u16(loca + g * 2) * 2);

  // cmap: a Unicode subtable, format 12 (full range) preferred to format 4 (BMP)
  const cmap = table("cmap");
  let format4 = -1;
  let format12 = -1;
  for (let i = 0, n = u16(cmap + 2); i < n; i++) {
    const rec = cmap + 4 + i * 8;
    const platform = u16(rec);
    const encoding = u16(rec + 2);
    const sub = cmap + u32(rec + 4);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (u16(sub) === 12) format12 = sub;
    else if (u16(sub) === 4) format4 = sub;
  }
  const glyphOf = (cp: number): number => {
    if (format12 >= 0) {
      for (let i = 0, n = u32(format12 + 12); i < n; i++) {
        const g = format12 + 16 + i * 12;
        if (cp >= u32(g) && cp <= u32(g + 4)) return u32(g + 8) + cp - u32(g);
      }
      return 0;
    }
    if (format4 < 0 || cp > 0xffff) return 0;
    const segX2 = u16(format4 + 6);
    const ends = format4 + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const ranges = deltas + segX2;
    for (let s = 0; s < segX2; s += 2) {
      if (cp > u16(ends + s)) continue;
      const start = u16(starts + s);
      if (cp < start) return 0;
      const delta = u16(deltas + s);
      const range = u16(ranges + s);
      if (range === 0) return (cp + delta) & 0xffff;
      const g = u16(ranges + s + range + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };

  const advance = (g: number) => u16(hmtx + 4 * Math.min(g, numberOfHMetrics - 1));

  const cache = new Map<number, Point[][]>();
  const contours = (g: number, depth = 0): Point[][] => {
    const hit = cache.get(g);
    if (hit) return hit;
    if (g >= numGlyphs || depth > 8) return [];
    const at = glyf + glyphStart(g);
    const out: Point[][] = [];
    if (glyphStart(g + 1) > glyphStart(g)) {
      const n = i16(at);
      if (n >= 0) {
        // a simple glyph: end points, instructions (skipped), flags, then x and y deltas
        const ends: number[] = [];
        for (let i = 0; i < n; i++) ends.push(u16(at + 10 + i * 2));
        const count = n ? ends[n - 1]! + 1 : 0;
        let p = at + 10 + n * 2;
        p += 2 + u16(p);
        const flags: number[] = [];
        while (flags.length < count) {
          const f = buf[p++]!;
          flags.push(f);
          if (f & 8) for (let r = buf[p++]!; r > 0; r--) flags.push(f);
        }
        const xs: number[] = [];
        for (let i = 0, v = 0; i < count; i++) {
          const f = flags[i]!;
          if (f & 2) v += f & 16 ? buf[p++]! : -buf[p++]!;
          else if (!(f & 16)) (v += i16(p)), (p += 2);
          xs.push(v);
        }
        const ys: number[] = [];
        for (let i = 0, v = 0; i < count; i++) {
          const f = flags[i]!;
          if (f & 4) v += f & 32 ? buf[p++]! : -buf[p++]!;
          else if (!(f & 32)) (v += i16(p)), (p += 2);
          ys.push(v);
        }
        let first = 0;
        for (const end of ends) {
          const c: Point[] = [];
          for (let i = first; i <= end; i++) c.push({ x: xs[i]!, y: ys[i]!, on: (flags[i]! & 1) === 1 });
          out.push(c);
          first = end + 1;
        }
      } else {
        // a composite glyph: components placed by an offset and an optional scale or 2×2 matrix
        let p = at + 10;
        for (let more = true; more; ) {
          const f = u16(p);
          const component = u16(p + 2);
          p += 4;
          let dx = 0;
          let dy = 0;
          if (f & 1) {
            if (f & 2) (dx = i16(p)), (dy = i16(p + 2));
            p += 4;
          } else {
            if (f & 2) (dx = buf.readInt8(p)), (dy = buf.readInt8(p + 1));
            p += 2;
          }
          let [a, b, c, d] = [1, 0, 0, 1];
          const f2dot14 = (o: number) => i16(o) / 16384;
          if (f & 8) {
            a = d = f2dot14(p);
            p += 2;
          } else if (f & 0x40) {
            a = f2dot14(p);
            d = f2dot14(p + 2);
            p += 4;
          } else if (f & 0x80) {
            a = f2dot14(p);
            b = f2dot14(p + 2);
            c = f2dot14(p + 4);
            d = f2dot14(p + 6);
            p += 8;
          }
          for (const contour of contours(component, depth + 1)) out.push(contour.map((q) => ({ x: a * q.x + c * q.y + dx, y: b * q.x + d * q.y + dy, on: q.on })));
          more = (f & 0x20) !== 0;
        }
      }
    }
    cache.set(g, out);
    return out;
  };

  return { unitsPerEm, ascender: i16(hhea + 4), descender: i16(hhea + 6), glyphOf, advance, contours: (g) => contours(g) };
}

const r2 = (v: number) => String(Math.round(v * 100) / 100);

/** One contour as SVG path commands, mapped by `map` (quadratic curves, implied on-curve midpoints). */
function contourPath(points: Point[], map: (x: number, y: number) => string): string {
  const n = points.length;
  if (!n) return "";
  const mid = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, on: true });
  // start at an on-curve point; a contour of off-curve points only starts at the midpoint of its last and first
  const s = points.findIndex((q) => q.on);
  const start = s < 0 ? mid(points[n - 1]!, points[0]!) : points[s]!;
  const rest = s < 0 ? points : [...points.slice(s + 1), ...points.slice(0, s)];
  let d = `M${map(start.x, start.y)}`;
  let off: Point | null = null;
  for (const q of rest) {
    if (q.on) {
      d += off ? `Q${map(off.x, off.y)} ${map(q.x, q.y)}` : `L${map(q.x, q.y)}`;
      off = null;
    } else {
      if (off) {
        const m = mid(off, q);
        d += `Q${map(off.x, off.y)} ${map(m.x, m.y)}`;
      }
      off = q;
    }
  }
  if (off) d += `Q${map(off.x, off.y)} ${map(start.x, start.y)}`;
  return `${d}Z`;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (ENTITIES[e] ?? m),
  );

/** The outline of one line of text at (x, y) as path data, or null when the font lacks a glyph. */
export function textPath(font: OutlineFont, text: string, x: number, y: number, size: number, anchor: string, baseline: string): string | null {
  const scale = size / font.unitsPerEm;
  const glyphs: number[] = [];
  let width = 0;
  for (const ch of text) {
    const g = font.glyphOf(ch.codePointAt(0)!);
    if (g === 0 && ch.trim() !== "") return null;
    glyphs.push(g);
    width += font.advance(g);
  }
  let pen = anchor === "middle" ? x - (width * scale) / 2 : anchor === "end" ? x - width * scale : x;
  const base = baseline === "central" ? y + ((font.ascender + font.descender) / 2) * scale : y;
  let d = "";
  for (const g of glyphs) {
    const left = pen;
    for (const c of font.contours(g)) d += contourPath(c, (gx, gy) => `${r2(left + gx * scale)} ${r2(base - gy * scale)}`);
    pen += font.advance(g) * scale;
  }
  return d;
}

const TEXT = /<text([^>]*)>([^<]*)<\/text>/g;
const ATTR = /([a-zA-Z:-]+)="([^"]*)"/g;
/** Attributes a label's path keeps as they are (presentation and placement). */
const KEPT = new Set(["transform", "fill", "fill-opacity", "opacity", "stroke", "stroke-width", "stroke-opacity", "class", "id"]);

const laidOut = new Map<string, string | null>();
const LAID_OUT_MAX = 2000;

/** The SVG with every <text> it can lay out replaced by a <path> of the font's outlines. */
export function outlineTexts(svg: string, font: OutlineFont): string {
  return svg.replace(TEXT, (whole, attrText: string, content: string) => {
    const attrs = new Map<string, string>();
    for (const m of attrText.matchAll(ATTR)) attrs.set(m[1]!, m[2]!);
    const style = new Map<string, string>();
    for (const decl of (attrs.get("style") ?? "").split(";")) {
      const i = decl.indexOf(":");
      if (i > 0) style.set(decl.slice(0, i).trim(), decl.slice(i + 1).trim());
    }
    const size = Number.parseFloat(style.get("font-size") ?? "");
    const baseline = attrs.get("dominant-baseline") ?? "auto";
    const anchor = attrs.get("text-anchor") ?? "start";
    const known = [...style.keys()].every((k) => k === "font-size" || k === "font-family" || k === "font-weight");
    const placed = [...attrs.keys()].every((k) => KEPT.has(k) || ["x", "y", "style", "dominant-baseline", "text-anchor", "xml:space"].includes(k));
    if (!known || !placed || !Number.isFinite(size) || !["auto", "alphabetic", "central"].includes(baseline) || !["start", "middle", "end"].includes(anchor)) return whole;
    // laid out at the origin and moved there: the same label (a reason, an axis name) is laid out once per process
    const text = decode(content);
    const key = `${size}|${anchor}|${baseline}|${text}`;
    let d = laidOut.get(key);
    if (d === undefined) {
      d = textPath(font, text, 0, 0, size, anchor, baseline);
      if (laidOut.size >= LAID_OUT_MAX) laidOut.clear();
      laidOut.set(key, d);
    }
    if (d === null) return whole;
    const x = Number(attrs.get("x") ?? 0);
    const y = Number(attrs.get("y") ?? 0);
    const move = x || y ? `translate(${x} ${y})` : "";
    const transform = [attrs.get("transform") ?? "", move].filter(Boolean).join(" ");
    const kept = [...attrs].filter(([k]) => KEPT.has(k) && k !== "transform").map(([k, v]) => ` ${k}="${v}"`).join("");
    return d ? `<path d="${d}"${transform ? ` transform="${transform}"` : ""}${kept}/>` : "";
  });
}
