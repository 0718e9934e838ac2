#!/usr/bin/env python3
"""The container image's facts, from dpkg's package list inside it (scripts/image.sh facts):
a CycloneDX SBOM (sbom.cdx.json), the size and the packages that dominate it (facts.json,
packages-by-size.txt). The dpkg list is what the image really holds: every file in it but the
project's binaries comes from a Debian package."""
import argparse
import datetime
import json
import pathlib
import uuid


def read_packages(path):
    packages = []
    for line in pathlib.Path(path).read_text().splitlines():
        if not line.strip():
            continue
        name, version, arch, size_kib, source = (line.split("\t") + [""] * 5)[:5]
        packages.append({"name": name, "version": version, "arch": arch,
                         "kib": int(size_kib or 0), "source": source.split(" ")[0] or name})
    return packages


def purl(p):
    return f"pkg:deb/debian/{p['name']}@{p['version']}?arch={p['arch']}&distro=debian-12"


def cyclonedx(image, packages):
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "tools": [{"vendor": "fotogal", "name": "scripts/image.sh facts (dpkg-query)"}],
            "component": {"type": "container", "name": image, "bom-ref": image},
        },
        "components": [{
            "type": "library" if p["name"].startswith("lib") else "application",
            "bom-ref": purl(p),
            "name": p["name"],
            "version": p["version"],
            "purl": purl(p),
            "properties": [{"name": "debian:source", "value": p["source"]},
                           {"name": "debian:installed-size-kib", "value": str(p["kib"])}],
        } for p in packages],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--packages", required=True, help="dpkg-query TSV from inside the image")
    ap.add_argument("--size", type=int, required=True, help="image size in bytes (podman)")
    ap.add_argument("--image", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    packages = read_packages(args.packages)
    if not packages:
        raise SystemExit("image_facts: the image's package list is empty")
    (out / "sbom.cdx.json").write_text(json.dumps(cyclonedx(args.image, packages), indent=1))
    by_size = sorted(packages, key=lambda p: -p["kib"])
    (out / "packages-by-size.txt").write_text(
        "".join(f"{p['kib'] / 1024:8.1f} MiB  {p['name']} {p['version']}\n" for p in by_size))
    facts = {
        "image": args.image,
        "size_bytes": args.size,
        "size_mb": round(args.size / 1e6, 1),
        "packages": len(packages),
        "packages_installed_mb": round(sum(p["kib"] for p in packages) * 1024 / 1e6, 1),
        "largest_packages": [{"name": p["name"], "mb": round(p["kib"] * 1024 / 1e6, 1)}
                             for p in by_size[:args.top]],
    }
    (out / "facts.json").write_text(json.dumps(facts, indent=1) + "\n")
    print(f"image.sh: {args.image}: {facts['size_mb']} MB, {len(packages)} Debian packages; "
          f"largest: " + ", ".join(f"{p['name']} {p['mb']} MB" for p in facts["largest_packages"][:8]))
    print(f"image.sh: SBOM (CycloneDX, from dpkg): {out / 'sbom.cdx.json'}; facts: {out / 'facts.json'}")


if __name__ == "__main__":
    main()
