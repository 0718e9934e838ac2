// The gallery page: uploads from the drop zone or the file picker (several at once, each with
// its own progress), a card per image followed until processed or failed, the recent list
// restored on load, the detail view, and the API key field for an edge that wants one.
import { apiKey, setApiKey, uploadImage } from "./api.js";
import { Card } from "./cards.js";
import { initDetail, openDetail } from "./detail.js";
import { follow } from "./poller.js";
import { forget, forgetAll, recentImages, remember } from "./recent.js";

const UPLOADS_AT_ONCE = 3;  // the edge caps a principal's uploads in progress; stay well below

const grid = document.getElementById("grid");
const cards = new Map();  // card -> stop function of its poller

function refreshCount() {
  const n = grid.childElementCount;
  document.getElementById("recent-count").textContent = n ? `(${n})` : "";
  document.getElementById("empty").hidden = n > 0;
}

function keyNeeded(needed) {
  const state = document.getElementById("key-state");
  state.classList.toggle("needed", needed);
  state.textContent = needed ? "this edge needs an API key" : apiKey() ? "key in use (this tab only)" : "";
}

function addCard(name, prepend = true) {
  const card = new Card(name, {
    onOpen: (c) => openDetail(c.name, c.manifest),
    onForget: (c) => {
      if (cards.get(c)) cards.get(c)();
      cards.delete(c);
      if (c.id) forget(c.id);
      c.root.remove();
      refreshCount();
    },
  });
  cards.set(card, null);
  if (prepend) grid.prepend(card.root);
  else grid.append(card.root);
  refreshCount();
  return card;
}

function track(card) {
  const stop = follow(card.id, (result) => {
    if (result.status === "error") {
      const state = result.code === 404 ? "unknown" : [401, 403].includes(result.code) ? "locked" : "pending";
      if (result.code === 401) keyNeeded(true);
      card.setState(state, { error: result.error });
    } else {
      card.setState(result.status, { manifest: result.manifest });
    }
  });
  cards.set(card, stop);
}

async function send(file, card) {
  const visibility = document.getElementById("public").checked ? "public" : "";
  const answer = await uploadImage(file, { visibility, onProgress: (f) => card.setProgress(f) });
  if (answer.error) {
    if (answer.status === 401) keyNeeded(true);
    card.setState("rejected", { error: answer.error });
    return;
  }
  card.setId(answer.id);
  remember({ id: answer.id, name: file.name, at: Date.now() });
  card.setState("pending");
  track(card);
}

// Every file gets its card at once; the bytes go UPLOADS_AT_ONCE at a time.
function uploadAll(files) {
  const jobs = [...files].map((file) => ({ file, card: addCard(file.name) }));
  for (let lane = 0; lane < Math.min(UPLOADS_AT_ONCE, jobs.length); lane++) {
    (async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await send(job.file, job.card);
    })();
  }
}

function initDropZone() {
  const drop = document.getElementById("drop");
  const input = document.getElementById("file-input");
  input.addEventListener("change", () => {
    uploadAll(input.files);
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
  }
  for (const type of ["dragleave", "drop"]) drop.addEventListener(type, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    uploadAll(e.dataTransfer.files);
  });
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") input.click();
  });
}

function initKeyForm() {
  const form = document.getElementById("key-form");
  const field = document.getElementById("api-key");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    setApiKey(field.value.trim());
    field.value = "";
    keyNeeded(false);
    refollow();  // statuses and renditions again, with the key
  });
  document.getElementById("key-forget").addEventListener("click", () => {
    setApiKey("");
    keyNeeded(false);
    refollow();
  });
  keyNeeded(false);
}

// Every card that has an id asks for its status again (after the key changed).
function refollow() {
  for (const [card, stop] of cards) {
    if (!card.id) continue;
    if (stop) stop();
    card.setState("pending");
    track(card);
  }
}

// The recent list as this browser remembers it, every status asked again.
function restore() {
  for (const [card, stop] of cards) {
    if (stop) stop();
    card.root.remove();
  }
  cards.clear();
  for (const entry of recentImages()) {
    const card = addCard(entry.name || entry.id, false);
    card.setId(entry.id);
    card.setState("pending");
    track(card);
  }
  refreshCount();
}

// A link like /#add=ID:NAME,ID:NAME (the quick start prints one for what it uploaded) puts
// those images on the recent list; the fragment never reaches the server.
function importFromLink() {
  const match = /^#add=(.+)$/.exec(location.hash);
  if (!match) return;
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  for (const item of match[1].split(",").reverse()) {
    const [id, name] = item.split(":").map((part) => decodeURIComponent(part || ""));
    if (uuid.test(id)) remember({ id, name: name || id, at: Date.now() });
  }
  history.replaceState(null, "", location.pathname);
}

document.getElementById("recent-clear").addEventListener("click", () => {
  forgetAll();
  restore();
});
initDropZone();
initKeyForm();
initDetail();
importFromLink();
restore();
document.body.dataset.ready = "true";
