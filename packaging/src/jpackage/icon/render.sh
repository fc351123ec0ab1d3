#!/usr/bin/env bash
# Renders hsmc.svg into the icons jpackage wants: hsmc.png (Linux, 256 px), hsmc.ico (Windows) and
# hsmc.icns (macOS), both of which simply embed PNG images. The outputs are committed; run this
# again only after changing the SVG. Needs rsvg-convert (Debian: librsvg2-bin) and python3.
set -euo pipefail
cd "$(dirname "$0")"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
for s in 16 32 48 64 128 256 512; do
  rsvg-convert -w "$s" -h "$s" hsmc.svg -o "$tmp/$s.png"
done
cp "$tmp/256.png" hsmc.png
python3 - "$tmp" <<'PY'
import struct, sys, pathlib
tmp = pathlib.Path(sys.argv[1])
# ICO: header, one directory entry per size, then the PNG images (Windows Vista and later read PNG entries)
sizes = [16, 32, 48, 256]
images = [(tmp / f"{s}.png").read_bytes() for s in sizes]
offset = 6 + 16 * len(sizes)
ico = struct.pack("<HHH", 0, 1, len(sizes))
for s, data in zip(sizes, images):
    ico += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
pathlib.Path("hsmc.ico").write_bytes(ico + b"".join(images))
# ICNS: 'icns' + total length, then typed PNG entries (ic07 128, ic08 256, ic09 512, icp5 32, icp6 64)
entries = b""
for kind, s in [(b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512)]:
    data = (tmp / f"{s}.png").read_bytes()
    entries += kind + struct.pack(">I", 8 + len(data)) + data
pathlib.Path("hsmc.icns").write_bytes(b"icns" + struct.pack(">I", 8 + len(entries)) + entries)
PY
ls -l hsmc.png hsmc.ico hsmc.icns
