// Writes the app icons (PNG 192/512 + maskable 512) without any image library:
// a white triangle ("trekant") on the DKFDS dark-grey theme colour.
// Run with `npm run icons`; the PNGs are committed in public/icons/.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BG = [0x45, 0x45, 0x45];
const FG = [0xff, 0xff, 0xff];

const crcTable = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

// Triangle with its vertices given as fractions of the size; `inset` shrinks it for
// maskable icons (safe zone is the inner 80 %).
function png(size, inset) {
  const s = 4; // 4x4 supersampling for smooth edges
  const a = [0.5, 0.2 + inset];
  const b = [0.16 + inset, 0.8 - inset * 0.6];
  const c = [0.84 - inset, 0.8 - inset * 0.6];
  const edge = (p, q, x, y) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const inside = (x, y) => {
    const d1 = edge(a, b, x, y), d2 = edge(b, c, x, y), d3 = edge(c, a, x, y);
    return (d1 <= 0 && d2 <= 0 && d3 <= 0) || (d1 >= 0 && d2 >= 0 && d3 >= 0);
  };
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < s; sy++)
        for (let sx = 0; sx < s; sx++)
          if (inside((x + (sx + 0.5) / s) / size, (y + (sy + 0.5) / s) / size)) hits++;
      const t = hits / (s * s);
      for (let ch = 0; ch < 3; ch++)
        raw[row + 1 + x * 3 + ch] = Math.round(BG[ch] * (1 - t) + FG[ch] * t);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../public/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('icon-192.png', out), png(192, 0));
writeFileSync(new URL('icon-512.png', out), png(512, 0));
writeFileSync(new URL('icon-maskable-512.png', out), png(512, 0.08));
writeFileSync(new URL('apple-touch-icon-180.png', out), png(180, 0));
console.log('Ikoner skrevet til public/icons/');
