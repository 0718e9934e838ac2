// The detail view of one image: a rendition (switchable) with the face boxes, and object boxes
// when a tagger gives them, drawn over it; the facts beside it (detail_facts.js).
import { renditionSrc } from "./api.js";
import { drawBlurhash } from "./blurhash.js";
import { renderFacts } from "./detail_facts.js";

const dialog = () => document.getElementById("detail");
const PREFERRED = ["medium", "large", "small"];
let shown = 0;  // the latest rendition asked for: an older one that loads later is dropped

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The upright picture's size, which face boxes are measured in.
function pictureSize(manifest) {
  const s = manifest.source || {};
  return { width: s.oriented_width || s.width || 0, height: s.oriented_height || s.height || 0 };
}

function percent(value, total) {
  return `${(100 * value) / total}%`;
}

// A box {x, y, width, height} in picture pixels, placed in % of the frame so it follows the
// image however it is scaled.
function placeBox(frame, box, size, className, label) {
  const node = el("div", className);
  node.style.left = percent(box.x, size.width);
  node.style.top = percent(box.y, size.height);
  node.style.width = percent(box.width, size.width);
  node.style.height = percent(box.height, size.height);
  if (label) node.append(el("span", "", label));
  frame.append(node);
}

// Landmarks as [[x, y], …] or [{x, y}, …] (YuNet gives five: eyes, nose, mouth corners).
function placeLandmarks(frame, landmarks, size) {
  for (const point of Array.isArray(landmarks) ? landmarks : []) {
    const [x, y] = Array.isArray(point) ? point : [point && point.x, point && point.y];
    if (typeof x !== "number" || typeof y !== "number") continue;
    const dot = el("i", "landmark");
    dot.style.left = percent(x, size.width);
    dot.style.top = percent(y, size.height);
    frame.append(dot);
  }
}

function isBox(b) {
  return b && ["x", "y", "width", "height"].every((k) => typeof b[k] === "number");
}

function drawOverlays(frame, manifest) {
  const tags = manifest.tags || {};
  const size = pictureSize(manifest);
  if (!size.width || !size.height) return;
  const faces = (tags.faces && tags.faces.boxes) || [];
  for (const face of faces) {
    if (!isBox(face)) continue;
    placeBox(frame, face, size, "box face");
    placeLandmarks(frame, face.landmarks, size);
  }
  const objects = tags.objects || manifest.objects;
  for (const object of Array.isArray(objects) ? objects : []) {
    const box = object && (object.box || object);
    if (isBox(box)) placeBox(frame, box, size, "box object", object.label || object.name || "");
  }
}

async function showRendition(manifest, out, buttons) {
  const ticket = ++shown;
  const frame = document.getElementById("detail-frame");
  const img = el("img", "rendition");
  img.alt = `${out.name} rendition`;
  img.dataset.rendition = out.name;
  const placeholder = el("canvas");
  placeholder.width = 32;
  placeholder.height = 24;
  const size = pictureSize(manifest);
  if (size.width && size.height) placeholder.style.aspectRatio = `${size.width} / ${size.height}`;
  const nodes = [];
  if (manifest.tags && manifest.tags.blurhash && drawBlurhash(placeholder, manifest.tags.blurhash))
    nodes.push(placeholder);
  frame.replaceChildren(...nodes);
  for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.name === out.name));
  const loaded = new Promise((resolve) => img.addEventListener("load", resolve, { once: true }));
  img.src = await renditionSrc(out.url);
  await loaded;
  if (ticket !== shown) return;
  frame.replaceChildren(img);
  drawOverlays(frame, manifest);
  frame.dataset.loaded = out.name;
}

function renditionButtons(manifest) {
  const list = document.getElementById("detail-renditions");
  const outputs = manifest.outputs || [];
  const buttons = outputs.map((o) => {
    const b = el("button");
    b.type = "button";
    b.dataset.name = o.name;
    b.append(`${o.name} `, el("small", "", `${o.width}\u00d7${o.height} ${o.format} ${Math.round(o.bytes / 1024)} KiB`));
    return b;
  });
  list.replaceChildren(...buttons.map((b) => {
    const li = el("li");
    li.append(b);
    return li;
  }));
  buttons.forEach((b, i) =>
    b.addEventListener("click", () => showRendition(manifest, outputs[i], buttons).catch(reportFailure)));
  return { outputs, buttons };
}

function reportFailure(e) {
  const frame = document.getElementById("detail-frame");
  frame.replaceChildren(el("p", "failure", `the rendition could not be shown: ${e.message || e}`));
}

// Opens the view for a card's image (its last manifest).
export function openDetail(name, manifest) {
  document.getElementById("detail-title").textContent = name;
  document.getElementById("detail-frame").replaceChildren();
  delete document.getElementById("detail-frame").dataset.loaded;
  renderFacts(document.getElementById("detail-facts"), manifest);
  const { outputs, buttons } = renditionButtons(manifest);
  const first = PREFERRED.map((n) => outputs.find((o) => o.name === n)).find(Boolean) || outputs[0];
  dialog().dataset.id = manifest.image_id || "";
  if (!dialog().open) dialog().showModal();
  if (first) showRendition(manifest, first, buttons).catch(reportFailure);
  else document.getElementById("detail-frame").append(el("p", "no-renditions", "No renditions were made."));
}

export function initDetail() {
  document.getElementById("detail-close").addEventListener("click", () => dialog().close());
  dialog().addEventListener("click", (e) => {
    if (e.target === dialog()) dialog().close();  // a click on the backdrop
  });
}
