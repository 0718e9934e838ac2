#!/usr/bin/env python3
"""The gallery page (served by fotogal-ingest at /) in headless Chromium, end to end on the real
Kafka broker: ingest asks for an API key, one worker processes.

1. The page loads; the API key is pasted into its key field.
2. Real photos (one with faces, two camera photos) and a truncated JPEG are chosen through the
   page's file input; every card goes uploading -> pending -> processed or failed, live:
   processed cards show a BlurHash
   placeholder and a loaded thumbnail (natural size > 0), the failed card its reason, the one
   the worker's manifest gives.
3. A reload keeps the recent list: the same images come back from localStorage and the API.
4. Detail views: the face photo with one box drawn per face the manifest lists; a camera photo
   with its rendition loaded, colour swatches and camera facts; the failed image's reason.
5. The browser console has no errors.

Screenshots: grid.png, grid-after-reload.png, detail-faces.png, detail-photo.png,
detail-failed.png in the work folder's screenshots/ (build/gallery-browser/screenshots/).
Broker and topics as in replay_e2e.py.
usage: gallery_browser.py --bin DIR --corpus DIR --work DIR
"""
import hashlib
import json
import secrets
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_page import Browser  # noqa: E402
from replay_e2e import log, test_main  # noqa: E402

FACE_PHOTO = "faces/dlib_group_2008_004176.jpg"
CAMERA_PHOTOS = ["photos/exif_gps_DSCN0010.jpg", "photos/exif_Reconyx_HC500.jpg"]
CORRUPT = "bad/truncated_10000B.jpg"  # a whole JPEG header, so ingest takes it; the worker fails it
FINAL = {"processed", "failed"}
BLURHASH_TOLERANCE = 40  # of 255, per channel, placeholder mean vs thumbnail mean


def status(base, key, image_id):
    req = urllib.request.Request(f"{base}/v1/images/{image_id}",
                                 headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())


def check_page_headers(base):
    with urllib.request.urlopen(f"{base}/", timeout=10) as res:
        assert res.status == 200
        assert res.headers["Content-Type"].startswith("text/html"), res.headers["Content-Type"]
        csp = res.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "img-src 'self' blob: data:" in csp, csp


def wait_final(b, names, timeout):
    def done():
        cards = b.cards()
        finished = [c for c in cards if c["state"] in FINAL]
        return cards if len(cards) == len(names) and len(finished) == len(names) else None
    return b.wait(f"{len(names)} cards processed or failed", done, timeout)


def wait_thumbnails(b, ids, timeout):
    facts = {}

    def loaded():
        facts.update({i: b.thumbnail_facts(i) for i in ids})
        return all(f and f["loaded"] for f in facts.values())
    b.wait("every processed card's thumbnail", loaded, timeout)
    for i, f in facts.items():
        assert f["width"] > 0 and f["height"] > 0, (i, f)
        assert f["blurhash"], f"card {i} drew no BlurHash placeholder"
        # The placeholder looks like the picture: its mean colour is the picture's (the DC
        # term), give or take the thumbnail's crop. A decoder that misreads the hash is far off.
        off = max(abs(a - b) for a, b in zip(f["blurhash"], f["thumbnail"]))
        assert off < BLURHASH_TOLERANCE, (i, f["blurhash"], f["thumbnail"])
        f["blurhash_off"] = round(off, 1)
    return facts


def check_detail(b, image_id, manifest, shot):
    b.open_detail(image_id)
    if manifest["status"] == "processed":
        b.wait("the detail rendition", lambda: b.detail_facts()["loaded"], 15)
    facts = b.detail_facts()
    b.screenshot(shot)
    b.close_detail()
    return facts


def run(h, args):
    corpus = args.corpus
    h.ensure_broker()
    log(f"broker {h.brokers}, topic prefix {h.prefix}")
    h.kafka_sh("topics", "--partitions", "2", h.topics["uploads"], h.topics["results"],
               h.topics["dlq"])
    key = secrets.token_hex(16)
    keys = h.work / "keys"
    keys.write_text(f"gallery {hashlib.sha256(key.encode()).hexdigest()} upload,read\n")
    ingest = h.start("ingest", "fotogal-ingest", FOTOGAL_API_KEYS_FILE=str(keys))
    h.start("worker", "fotogal-worker", FOTOGAL_TOPIC=h.topics["uploads"],
            FOTOGAL_GROUP=f"{h.prefix}-workers")
    base = f"http://127.0.0.1:{ingest.port}"
    check_page_headers(base)
    shots = h.work / "screenshots"
    shots.mkdir()
    files = [corpus / FACE_PHOTO] + [corpus / p for p in CAMERA_PHOTOS] + [corpus / CORRUPT]
    names = [f.name for f in files]

    b = Browser()
    try:
        b.driver.get(f"{base}/")
        b.wait("the page's script", lambda: b.js("return document.body.dataset.ready"), 10)
        assert b.cards() == [], "a fresh browser shows no recent images"
        b.set_api_key(key)
        b.record_states()
        started = time.monotonic()
        b.choose_files(files)
        cards = wait_final(b, names, 60)
        log(f"{len(cards)} cards final in {time.monotonic() - started:.1f}s: "
            + ", ".join(f"{c['name']} {c['state']}" for c in cards))
        history = b.state_history()
        for c in cards:  # live: each card went through every state, in order
            assert history[c["name"]] == ["uploading", "pending", c["state"]], history
        by_name = {c["name"]: c for c in cards}
        manifests = {c["name"]: status(base, key, c["id"]) for c in cards}
        for name, m in manifests.items():
            assert by_name[name]["state"] == m["status"], (name, by_name[name], m["status"])
        failed = by_name[Path(CORRUPT).name]
        assert failed["state"] == "failed", failed
        reason = manifests[failed["name"]]["reason"]
        assert failed["reason"] == f"{reason['code']}: {reason['message']}", (failed, reason)
        processed = [c["id"] for c in cards if c["state"] == "processed"]
        assert len(processed) == len(files) - 1, cards
        thumbs = wait_thumbnails(b, processed, 20)
        log("thumbnails loaded (size, BlurHash mean colour off by): "
            + str([(f["width"], f["height"], f["blurhash_off"]) for f in thumbs.values()]))
        b.screenshot(shots / "grid.png")

        b.driver.refresh()
        again = wait_final(b, names, 20)
        assert sorted(c["id"] for c in again) == sorted(c["id"] for c in cards), again
        wait_thumbnails(b, processed, 20)
        b.screenshot(shots / "grid-after-reload.png")
        log("the recent list survived a reload")

        face = by_name[Path(FACE_PHOTO).name]
        boxes = manifests[face["name"]]["tags"]["faces"]["boxes"]
        d = check_detail(b, face["id"], manifests[face["name"]], shots / "detail-faces.png")
        assert d["width"] > 0 and d["height"] > 0, d
        assert boxes and d["faces"] == len(boxes), (d, boxes)
        log(f"faces detail: {d['loaded']} {d['width']}x{d['height']}, {d['faces']} face boxes")

        photo = by_name[Path(CAMERA_PHOTOS[0]).name]
        d = check_detail(b, photo["id"], manifests[photo["name"]], shots / "detail-photo.png")
        assert d["width"] > 0 and d["swatches"] > 0, d
        assert {"Colours", "Camera", "Tags", "Source"} <= set(d["sections"]), d
        assert d["renditions"] == [o["name"] for o in manifests[photo["name"]]["outputs"]], d
        log(f"photo detail: {d['loaded']} {d['width']}x{d['height']}, sections {d['sections']}")

        d = check_detail(b, failed["id"], manifests[failed["name"]], shots / "detail-failed.png")
        assert d["failure"] and reason["message"] in d["failure"], (d, reason)
        log(f"failed detail: {d['failure']}")

        errors = b.console_errors()
        assert not errors, f"browser console errors: {errors}"
        log(f"no console errors; screenshots in {shots}")
    finally:
        b.close()


if __name__ == "__main__":
    sys.exit(test_main(run))
