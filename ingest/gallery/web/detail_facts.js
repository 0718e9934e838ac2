// The facts column of the detail view, from the manifest: the failure reason, dominant colours
// as swatches, labels, objects and moderation (when DNN taggers wrote them), faces, camera
// facts (EXIF), the other tags, and the source. Absent parts are left out.
const SHOWN_ELSEWHERE = new Set(["blurhash", "dominant_colours", "faces", "labels", "objects", "moderation"]);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function section(parent, title, body) {
  parent.append(el("h3", "", title), body);
  return body;
}

function definitions(pairs) {
  const dl = el("dl");
  for (const [name, value] of pairs) {
    if (value === undefined || value === null || value === "") continue;
    dl.append(el("dt", "", name), el("dd", "", String(value)));
  }
  return dl;
}

// A readable one-line form of any tag value.
function describe(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(3);
  if (Array.isArray(value)) return value.map(describe).join(", ");
  if (typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${describe(v)}`)
      .join("; ");
  }
  return String(value);
}

// Labels and objects as chips "name 93%": entries may be strings or {label|name, score|confidence}.
function chips(entries) {
  const ul = el("ul", "chips");
  for (const e of entries) {
    if (typeof e === "string") {
      ul.append(el("li", "", e));
      continue;
    }
    const name = e.label || e.name || e.class || describe(e);
    const score = e.score ?? e.confidence ?? e.probability;
    ul.append(el("li", "", typeof score === "number" ? `${name} ${Math.round(score * 100)}%` : name));
  }
  return ul;
}

function swatches(colours) {
  const box = el("div", "swatches");
  for (const c of colours) {
    if (!c || !/^#[0-9a-fA-F]{6}$/.test(c.hex || "")) continue;
    const item = el("div", "swatch");
    const chip = el("i");
    chip.style.background = c.hex;
    const share = typeof c.share === "number" ? ` ${Math.round(c.share * 100)}%` : "";
    item.title = `${c.name || ""} ${c.hex}`;
    item.append(chip, el("span", "", `${c.name || c.hex}${share}`));
    box.append(item);
  }
  return box;
}

function exposureText(x) {
  if (!x) return undefined;
  const parts = [];
  if (x.exposure_time_s) {
    const t = x.exposure_time_s;
    parts.push(t < 1 ? `1/${Math.round(1 / t)} s` : `${t} s`);
  }
  if (x.f_number) parts.push(`f/${x.f_number}`);
  if (x.iso) parts.push(`ISO ${x.iso}`);
  if (x.focal_length_mm) parts.push(`${x.focal_length_mm} mm`);
  return parts.join(", ") || undefined;
}

function camera(meta) {
  const cam = meta.camera || {};
  const gps = meta.gps;
  return definitions([
    ["camera", [cam.make, cam.model].filter(Boolean).join(" ") || undefined],
    ["taken", meta.taken_at],
    ["exposure", exposureText(meta.exposure)],
    ["lens", describe(meta.lens) || undefined],
    ["location", gps ? `${Number(gps.latitude).toFixed(6)}, ${Number(gps.longitude).toFixed(6)}` : undefined],
    ["EXIF orientation", meta.orientation > 1 ? meta.orientation : undefined],
  ]);
}

export function renderFacts(container, manifest) {
  container.replaceChildren();
  const tags = manifest.tags || {};
  const pick = (name) => tags[name] ?? manifest[name];
  if (manifest.status === "failed") {
    const r = manifest.reason || {};
    const p = section(container, "Failed", el("p", "failure", `${r.code || "failed"}: ${r.message || "no reason given"}`));
    p.dataset.code = r.code || "";
  }
  if (Array.isArray(tags.dominant_colours) && tags.dominant_colours.length)
    section(container, "Colours", swatches(tags.dominant_colours));
  const labels = pick("labels");
  if (Array.isArray(labels) && labels.length) section(container, "Labels", chips(labels)).dataset.kind = "labels";
  const objects = pick("objects");
  if (Array.isArray(objects) && objects.length) section(container, "Objects", chips(objects)).dataset.kind = "objects";
  const moderation = pick("moderation");
  if (moderation && typeof moderation === "object") {
    const pairs = Object.entries(moderation).map(([k, v]) => [k, describe(v)]);
    section(container, "Moderation", definitions(pairs)).dataset.kind = "moderation";
  }
  if (tags.faces) section(container, "Faces", definitions([["faces", tags.faces.count ?? (tags.faces.boxes || []).length]]));
  const meta = manifest.metadata || {};
  const cameraFacts = camera(meta);
  if (cameraFacts.childElementCount) section(container, "Camera", cameraFacts).dataset.kind = "camera";
  const other = Object.entries(tags).filter(([k]) => !SHOWN_ELSEWHERE.has(k));
  if (other.length) section(container, "Tags", definitions(other.map(([k, v]) => [k, describe(v)]))).dataset.kind = "tags";
  const s = manifest.source || {};
  section(container, "Source", definitions([
    ["id", manifest.image_id],
    ["format", s.format],
    ["size", s.width ? `${s.oriented_width || s.width}\u00d7${s.oriented_height || s.height}` : undefined],
    ["bytes", s.size],
    ["visibility", manifest.visibility],
    ["finished", manifest.finished_at],
    ["warnings", Array.isArray(manifest.warnings) && manifest.warnings.length ? describe(manifest.warnings) : undefined],
  ]));
}
