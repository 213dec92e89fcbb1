#!/usr/bin/env python3
"""Draw the app icons (a white K on the brand teal) as PNG files, with the standard library only.

Run once after changing the design; the PNGs are committed under pwa/static/icons/.
The maskable icon keeps the letter inside the central 60 %, the safe zone every launcher keeps.
"""
import struct
import zlib
from pathlib import Path

TEAL, WHITE = (15, 118, 110), (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "pwa" / "static" / "icons"
# The K in a unit square: a stem and two arms, as polygons (x, y from the top-left).
K_SHAPES = [
    [(0.30, 0.22), (0.42, 0.22), (0.42, 0.78), (0.30, 0.78)],
    [(0.42, 0.50), (0.62, 0.22), (0.76, 0.22), (0.50, 0.56)],
    [(0.46, 0.50), (0.56, 0.44), (0.78, 0.78), (0.64, 0.78)],
]


def inside(x: float, y: float, poly) -> bool:
    hit = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def draw(size: int, scale: float, rounded: bool) -> bytes:
    rows = []
    radius = size * 0.18 if rounded else 0
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            # Sample the pixel centre, mapped so the K occupies `scale` of the icon around its centre.
            x = 0.5 + ((px + 0.5) / size - 0.5) / scale
            y = 0.5 + ((py + 0.5) / size - 0.5) / scale
            colour = WHITE if any(inside(x, y, poly) for poly in K_SHAPES) else TEAL
            alpha = 255
            if radius:
                dx = max(radius - px, px - (size - 1 - radius), 0)
                dy = max(radius - py, py - (size - 1 - radius), 0)
                alpha = 0 if dx * dx + dy * dy > radius * radius else 255
            row += bytes([*colour, alpha])
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon-192.png").write_bytes(draw(192, 1.0, rounded=True))
    (OUT / "icon-512.png").write_bytes(draw(512, 1.0, rounded=True))
    (OUT / "icon-maskable-512.png").write_bytes(draw(512, 0.75, rounded=False))
    (OUT / "apple-touch-icon.png").write_bytes(draw(180, 1.0, rounded=False))
    print("icons written to", OUT)
