#!/usr/bin/env python3
"""Sharpness of fotogal-process's renditions against the pyvips peer's: for every photo and
rendition, the variance of the luma's Laplacian of ours divided by the peer's (both the
delivered JPEGs, same qualities, same size give or take libvips' rounding). Prints JSON.

  rendition_sharpness.py OURS_DIR PEER_DIR

OURS_DIR holds <photo>/<rendition>.jpg (fotogal-process --out), PEER_DIR <photo>_<rendition>.jpg
(pyvips_renditions.py). Needs pyvips, like the peer.
"""
import json
import statistics
import sys
from pathlib import Path

import pyvips

# Only the fit sizes: the cover thumbnail's crop is ours (faces, saliency), the peer's the
# centre, so the two thumbnails do not show the same part of the picture.
FIT_RENDITIONS = {"large", "medium", "small"}
LAPLACIAN = pyvips.Image.new_from_array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])


def laplacian_variance(path):
    image = pyvips.Image.new_from_file(str(path))
    luma = image.colourspace("b-w")[0].cast("float")
    return luma.conv(LAPLACIAN, precision="float").deviate() ** 2


def main():
    ours_dir, peer_dir = Path(sys.argv[1]), Path(sys.argv[2])
    ratios = []
    for folder in sorted(p for p in ours_dir.iterdir() if p.is_dir()):
        for mine in sorted(folder.glob("*.jpg")):
            if mine.stem not in FIT_RENDITIONS:
                continue
            theirs = peer_dir / f"{folder.name}_{mine.stem}.jpg"
            if theirs.exists():
                ratio = laplacian_variance(mine) / laplacian_variance(theirs)
                ratios.append((ratio, f"{folder.name} {mine.stem}"))
    if not ratios:
        raise SystemExit("no rendition found on both sides")
    lowest = min(ratios)
    print(json.dumps({"renditions": len(ratios), "median_ratio": round(statistics.median(
        r for r, _ in ratios), 3), "min_ratio": round(lowest[0], 3), "lowest": lowest[1]}))


if __name__ == "__main__":
    main()
