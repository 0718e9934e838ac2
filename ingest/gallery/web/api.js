// The ingest API as the page uses it: the user's API key (sessionStorage: gone with the tab,
// never in localStorage), uploads with progress, status lookups, rendition bytes.
const KEY_ITEM = "fotogal.apiKey";

export function apiKey() {
  return sessionStorage.getItem(KEY_ITEM) || "";
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_ITEM, key);
  else sessionStorage.removeItem(KEY_ITEM);
  blobUrls.forEach((url) => URL.revokeObjectURL(url));
  blobUrls.clear();
}

function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

// The API's error shape {"error": {"code", "message"}}, or one made from the status.
function errorOf(status, text) {
  try {
    const body = JSON.parse(text);
    if (body && body.error && body.error.code) return body.error;
  } catch (_) {
    // not JSON: a proxy's page, say
  }
  return { code: `http_${status}`, message: `HTTP ${status}` };
}

// POST /v1/images with the file as the raw body (the bytes decide the format). XMLHttpRequest
// because fetch() reports no upload progress. Resolves {id} on 202, else {error, status}.
export function uploadImage(file, { visibility, onProgress }) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const query = visibility ? `?visibility=${encodeURIComponent(visibility)}` : "";
    xhr.open("POST", `/v1/images${query}`);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 202) {
        resolve({ id: JSON.parse(xhr.responseText).id });
      } else {
        resolve({ status: xhr.status, error: errorOf(xhr.status, xhr.responseText) });
      }
    };
    xhr.onerror = () =>
      resolve({ status: 0, error: { code: "network", message: "the upload did not reach the server" } });
    xhr.send(file);
  });
}

// GET /v1/images/{id}: {status, manifest} with status "pending", "processed", "failed", or
// {status: "error", code, error} for an answer that is not a status (401, 403, 404, 5xx).
export async function imageStatus(id) {
  let res;
  try {
    res = await fetch(`/v1/images/${encodeURIComponent(id)}`, { headers: authHeaders(), cache: "no-cache" });
  } catch (_) {
    return { status: "error", code: 0, error: { code: "network", message: "no answer" } };
  }
  const text = await res.text();
  if (res.status !== 200) return { status: "error", code: res.status, error: errorOf(res.status, text) };
  const manifest = JSON.parse(text);
  return { status: manifest.status, manifest };
}

// A src for an <img>: the rendition URL itself when no key is in use (the browser's cache and
// lazy loading work as usual), else the bytes fetched with the key as a blob: URL (an <img>
// cannot send an Authorization header; private images need it).
const blobUrls = new Map();

export async function renditionSrc(url) {
  if (!apiKey()) return url;
  if (blobUrls.has(url)) return blobUrls.get(url);
  const res = await fetch(url, { headers: authHeaders() });
  if (!res.ok) throw new Error(`rendition: HTTP ${res.status}`);
  const blobUrl = URL.createObjectURL(await res.blob());
  blobUrls.set(url, blobUrl);
  return blobUrl;
}

// The output of a manifest with that name (thumb/thumbnail are one), or null.
export function output(manifest, name) {
  const outputs = (manifest && manifest.outputs) || [];
  const names = name === "thumb" || name === "thumbnail" ? ["thumb", "thumbnail"] : [name];
  return outputs.find((o) => names.includes(o.name)) || null;
}
