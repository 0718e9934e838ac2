// The recent-images list that survives a reload: ids (with the file name and when it was sent)
// in localStorage, newest first, at most MAX. Only ids: every status is asked of the API again.
const ITEM = "fotogal.recent";
const MAX = 60;

export function recentImages() {
  try {
    const list = JSON.parse(localStorage.getItem(ITEM) || "[]");
    return Array.isArray(list) ? list.filter((e) => e && typeof e.id === "string") : [];
  } catch (_) {
    return [];
  }
}

function save(list) {
  localStorage.setItem(ITEM, JSON.stringify(list.slice(0, MAX)));
}

export function remember(entry) {
  save([entry, ...recentImages().filter((e) => e.id !== entry.id)]);
}

export function forget(id) {
  save(recentImages().filter((e) => e.id !== id));
}

export function forgetAll() {
  localStorage.removeItem(ITEM);
}
