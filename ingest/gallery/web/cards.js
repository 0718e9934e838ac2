// One card of the grid per image: uploading (progress bar) -> pending -> processed (BlurHash
// placeholder, then the thumbnail) or failed (the reason); rejected uploads show the API's
// error. data-state and data-id let scripts and tests see where each card is.
import { output, renditionSrc } from "./api.js";
import { drawBlurhash } from "./blurhash.js";

const LABELS = {
  uploading: "uploading",
  pending: "processing",
  processed: "processed",
  failed: "failed",
  rejected: "refused",
  unknown: "unknown",
  locked: "needs a key",
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class Card {
  // onOpen(card) when a processed or failed card is clicked; onForget(card) for its "x".
  constructor(name, { onOpen, onForget }) {
    this.name = name;
    this.id = null;
    this.manifest = null;
    this.root = el("li", "card");
    this.tile = el("div", "tile");
    this.badge = el("span", "badge");
    this.progress = el("progress");
    this.progress.max = 1;
    this.progress.value = 0;
    const forget = el("button", "forget", "\u00d7");
    forget.type = "button";
    forget.title = "Remove from this list";
    forget.addEventListener("click", (e) => {
      e.stopPropagation();
      onForget(this);
    });
    const row = el("div", "row");
    row.append(this.badge, forget);
    const caption = el("div", "caption");
    caption.append(el("span", "name", name), row, this.progress);
    this.root.append(this.tile, caption);
    this.root.title = name;
    this.root.addEventListener("click", () => {
      if (this.root.classList.contains("openable")) onOpen(this);
    });
    this.setState("uploading");
  }

  setId(id) {
    this.id = id;
    this.root.dataset.id = id;
  }

  setProgress(fraction) {
    this.progress.value = fraction;
  }

  setState(state, detail = {}) {
    this.root.dataset.state = state;
    this.badge.textContent = LABELS[state] || state;
    this.root.classList.toggle("openable", state === "processed" || state === "failed");
    if (detail.manifest) this.manifest = detail.manifest;
    if (state === "processed") this.showThumbnail();
    if (state === "failed") this.showReason(this.manifest && this.manifest.reason);
    if (state === "rejected" || state === "unknown" || state === "locked") this.showReason(detail.error);
  }

  showReason(reason) {
    const text = reason ? `${reason.code}: ${reason.message}` : "no reason given";
    this.root.dataset.reason = text;
    this.tile.replaceChildren(el("p", "reason", text));
  }

  // The BlurHash first (drawn at once from the manifest), the thumbnail over it when loaded.
  showThumbnail() {
    const tags = this.manifest.tags || {};
    const nodes = [];
    if (tags.blurhash) {
      const canvas = el("canvas", "blurhash");
      canvas.width = 32;
      canvas.height = 32;
      if (drawBlurhash(canvas, tags.blurhash)) nodes.push(canvas);
    }
    const thumb = output(this.manifest, "thumb");
    if (thumb && thumb.url) {
      const img = el("img", "thumb");
      img.alt = this.name;
      img.decoding = "async";
      img.addEventListener("load", () => img.classList.add("loaded"));
      nodes.push(img);
      renditionSrc(thumb.url)
        .then((src) => (img.src = src))
        .catch((e) => this.showReason({ code: "thumbnail", message: String(e.message || e) }));
    }
    this.tile.replaceChildren(...nodes);
  }
}
