#!/usr/bin/env python3
"""Draws the app's install icons (style/icon-192.png, style/icon-512.png)
from the same shape as style/favicon.svg, with nothing but the standard
library: the web app manifest needs PNG icons of at least 144 px for the
portal to be installable. Run again only if the mark changes."""
import struct
import zlib
from pathlib import Path

BLUE = (0x0F, 0x6C, 0xBD)
WHITE = (0xFF, 0xFF, 0xFF)
# The favicon's two hexagons, in its 16-unit box.
OUTER = [(8, 1), (14, 4.5), (14, 11.5), (8, 15), (2, 11.5), (2, 4.5)]
INNER = [(8, 4.5), (11, 6.25), (11, 9.75), (8, 11.5), (5, 9.75), (5, 6.25)]


def inside(x, y, polygon):
    hit = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def icon(size):
    # A maskable icon keeps its mark in the middle 80 %: draw on a blue field.
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            x = 1 + (px + 0.5) / size * 14
            y = 1 + (py + 0.5) / size * 14
            colour = WHITE if inside(x, y, INNER) else BLUE
            if not inside(x, y, OUTER):
                colour = BLUE
            row.extend(colour)
        rows.append(bytes(row))
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


style = Path(__file__).resolve().parent.parent / "style"
for size in (192, 512):
    (style / f"icon-{size}.png").write_bytes(icon(size))
