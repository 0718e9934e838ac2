// Follows one image until it is processed or failed by polling GET /v1/images/{id}, with
// backoff: quick at first (most images take a second or two), then at most every MAX_DELAY.
// Polling rather than a server-sent-events stream: docs/gallery.md says why.
import { imageStatus } from "./api.js";

const FIRST_DELAY = 400;
const MAX_DELAY = 5000;
const GROWTH = 1.5;

// Calls onUpdate(result) after every answer (see imageStatus) until a final one: processed,
// failed, or an error that waiting cannot cure (401, 403, 404). Returns a function that stops.
export function follow(id, onUpdate) {
  let delay = FIRST_DELAY;
  let timer = null;
  let stopped = false;
  const tick = async () => {
    const result = await imageStatus(id);
    if (stopped) return;
    onUpdate(result);
    const final =
      result.status === "processed" ||
      result.status === "failed" ||
      (result.status === "error" && [400, 401, 403, 404].includes(result.code));
    if (final) return;
    timer = setTimeout(tick, delay);
    delay = Math.min(MAX_DELAY, delay * GROWTH);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
