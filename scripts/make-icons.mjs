#!/usr/bin/env node
// Draws Duck's icons (a cream duck on a warm rounded square) and the tray icons, and writes them
// as PNGs with zlib — no image library. Run once after changing the drawing: `node scripts/make-icons.mjs`.
// The PNGs are committed; electron-builder makes .icns/.ico from resources/icon.png.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'

const out = join(process.cwd(), 'resources')

// -- PNG ------------------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const rows = Buffer.alloc((size * 4 + 1) * size)
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0 // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
}

// -- the drawing, in unit coordinates (0..1) ---------------------------------------------------
const hex = (h, a = 1) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a]
const inEllipse = (x, y, cx, cy, rx, ry) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1
function inRoundedSquare(x, y, inset, radius) {
  const lo = inset + radius
  const hi = 1 - inset - radius
  const dx = Math.max(lo - x, 0, x - hi)
  const dy = Math.max(lo - y, 0, y - hi)
  return x >= inset && x <= 1 - inset && y >= inset && y <= 1 - inset && dx * dx + dy * dy <= radius * radius
}
function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const s1 = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
  const s2 = (cx - bx) * (y - by) - (cy - by) * (x - bx)
  const s3 = (ax - cx) * (y - cy) - (ay - cy) * (x - cx)
  return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
}

/** The duck, facing left: head, beak, body, tail, wing line and eye. */
function duckLayers(x, y) {
  return {
    body: inEllipse(x, y, 0.55, 0.64, 0.27, 0.17) || inTriangle(x, y, [0.7, 0.6], [0.86, 0.44], [0.82, 0.66]),
    head: inEllipse(x, y, 0.38, 0.4, 0.135, 0.135) || inEllipse(x, y, 0.44, 0.52, 0.11, 0.1),
    beak: inEllipse(x, y, 0.235, 0.435, 0.085, 0.042),
    wing: inEllipse(x, y, 0.6, 0.63, 0.13, 0.075) && !inEllipse(x, y, 0.6, 0.61, 0.12, 0.065),
    eye: inEllipse(x, y, 0.36, 0.375, 0.022, 0.022)
  }
}

const AMBER_TOP = hex('#ECA04B')
const AMBER_BOTTOM = hex('#D27A22')
const CREAM = hex('#FFF8EC')
const BEAK = hex('#F6C445')
const INK = hex('#2A211A')
const WING = hex('#F1DFC6')

/** The app icon: the duck on a rounded square with a vertical warm gradient. */
function appIconColour(x, y) {
  if (!inRoundedSquare(x, y, 0.06, 0.2)) return null
  const d = duckLayers(x, y)
  if (d.eye) return INK
  if (d.beak) return BEAK
  if (d.wing) return WING
  if (d.head || d.body) return CREAM
  const t = (y - 0.06) / 0.88
  return AMBER_TOP.map((c, i) => (i === 3 ? 1 : c + (AMBER_BOTTOM[i] - c) * t))
}

/** The macOS menu-bar template: a black silhouette with the eye cut out; the system tints it. */
function templateColour(x, y) {
  // Scaled up a little: the tray icon has no background square to fill.
  const u = 0.5 + (x - 0.5) * 0.86
  const v = 0.5 + (y - 0.5) * 0.86 + 0.04
  const d = duckLayers(u, v)
  if (d.eye) return null
  return d.head || d.body || d.beak ? [0, 0, 0, 1] : null
}

function render(size, colourAt) {
  const samples = size <= 32 ? 8 : size <= 256 ? 4 : 3
  const rgba = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)
          if (!colour) continue
          const alpha = colour[3]
          r += colour[0] * alpha
          g += colour[1] * alpha
          b += colour[2] * alpha
          a += alpha
        }
      }
      const i = (py * size + px) * 4
      const n = samples * samples
      rgba[i] = a ? Math.round(r / a) : 0
      rgba[i + 1] = a ? Math.round(g / a) : 0
      rgba[i + 2] = a ? Math.round(b / a) : 0
      rgba[i + 3] = Math.round((a / n) * 255)
    }
  }
  return png(size, rgba)
}

function write(path, buffer) {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, buffer)
  console.log(`${path.slice(process.cwd().length + 1)}  ${buffer.length} bytes`)
}

// App icons: electron-builder's Linux icon set (resources/icons/NxN.png) and the 1024 px source
// it turns into .icns and .ico.
for (const size of [16, 32, 48, 64, 128, 256, 512])
  write(join(out, 'icons', `${size}x${size}.png`), render(size, appIconColour))
write(join(out, 'icon.png'), render(1024, appIconColour))
// Tray: a template image for the macOS menu bar, the coloured icon elsewhere (@2x for HiDPI).
write(join(out, 'tray', 'trayTemplate.png'), render(16, templateColour))
write(join(out, 'tray', 'trayTemplate@2x.png'), render(32, templateColour))
write(join(out, 'tray', 'tray.png'), render(16, appIconColour))
write(join(out, 'tray', 'tray@2x.png'), render(32, appIconColour))
