#!/usr/bin/env python3
"""The benchmark's one-decode peer: libvips (through pyvips) making the default recipe's four
renditions of each photo from one decode, as a careful libvips user would script it.

  pyvips_renditions.py OUT_DIR PHOTO...

Per photo: one shrink-on-load decode to the largest box (thumbnail with size=down), held in
memory, then every other size reduced from that decoded picture (thumbnail_image: libvips'
box shrink + Lanczos3 reduce), the cover size cut in the centre. JPEGs at the recipe's
qualities, metadata stripped. Needs pyvips (bench/process_vs_vipsthumbnail.py installs it).
"""
import sys
from pathlib import Path

import pyvips

# (name, box, cover?, JPEG quality), largest first: the default recipe's renditions.
SIZES = [("large", 2048, False, 85), ("medium", 1024, False, 82), ("small", 512, False, 80),
         ("thumb", 256, True, 80)]


def renditions(photo, out_dir):
    name, box, _, quality = SIZES[0]
    # copy_memory: libvips is lazy; without it each size below would decode the file again.
    decoded = pyvips.Image.thumbnail(str(photo), box, height=box, size="down").copy_memory()
    decoded.jpegsave(str(out_dir / f"{photo.name}_{name}.jpg"), Q=quality, strip=True)
    for name, box, cover, quality in SIZES[1:]:
        crop = "centre" if cover else "none"
        smaller = decoded.thumbnail_image(box, height=box, size="down", crop=crop)
        smaller.jpegsave(str(out_dir / f"{photo.name}_{name}.jpg"), Q=quality, strip=True)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    for photo in sys.argv[2:]:
        renditions(Path(photo), out_dir)


if __name__ == "__main__":
    main()
