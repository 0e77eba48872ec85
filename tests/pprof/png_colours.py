#!/usr/bin/env python3
"""Prints facts about a PNG screenshot, python3 standard library only:
"WIDTH HEIGHT DISTINCT_COLOURS FLAME_PIXELS", where FLAME_PIXELS counts pixels
in the flame graph's warm palette (src/pprof/flame.cc: red 205-254, green
80-229, blue 40-89). Handles 8-bit greyscale/RGB/RGBA/palette, non-interlaced
(what Chromium writes). Exit 2 with a message for anything else.
Usage: png_colours.py FILE.png
"""
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, palette, header = 8, [], None, None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = [tuple(body[i:i + 3]) for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, colour_type, _, _, interlace = header
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour_type)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError("unsupported PNG (depth %d, colour type %d, interlace %d)" % (depth, colour_type, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    previous = bytearray(stride)
    pixels = []
    for y in range(height):
        row_start = y * (stride + 1)
        kind = raw[row_start]
        row = bytearray(raw[row_start + 1:row_start + 1 + stride])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                row[i] = (row[i] + paeth(left, up, up_left)) & 0xFF
        for x in range(width):
            p = row[x * channels:(x + 1) * channels]
            if colour_type == 3:
                pixels.append(palette[p[0]])
            elif channels <= 2:
                pixels.append((p[0], p[0], p[0]))
            else:
                pixels.append((p[0], p[1], p[2]))
        previous = row
    return width, height, pixels


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        width, height, pixels = read_png(sys.argv[1])
    except (OSError, ValueError, zlib.error, struct.error) as error:
        print("png_colours.py: %s: %s" % (sys.argv[1], error), file=sys.stderr)
        return 2
    flame = sum(1 for r, g, b in pixels if 205 <= r <= 254 and 80 <= g <= 229 and 40 <= b <= 89)
    print(width, height, len(set(pixels)), flame)
    return 0


if __name__ == "__main__":
    sys.exit(main())
