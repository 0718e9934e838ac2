#include "replay/bucket_backfill.hpp"

#include "common/events/image_events.hpp"
#include "common/image_id.hpp"
#include "common/log.hpp"
#include "common/object_keys.hpp"
#include "common/retry.hpp"

namespace fotogal::replay {

namespace {

// Ingest's ids are UUIDv7 and sort by time, so with a time range under originals/ the
// listing can start at --since and end after --until instead of walking the whole bucket.
struct KeyRange {
    std::string start_after;
    std::optional<std::string> stop_at;  // first key past the range
};

KeyRange key_range(const BackfillSettings& s) {
    KeyRange r;
    if (s.prefix != keys::kOriginalsPrefix) return r;
    if (s.since_ms) r.start_after = s.prefix + uuidv7_time_prefix(*s.since_ms);
    if (s.until_ms) r.stop_at = s.prefix + uuidv7_time_prefix(*s.until_ms + 1);
    return r;
}

std::optional<std::string> skip_reason(const storage::ObjectInfo& object, const std::string& id,
                                       const BackfillSettings& s) {
    if (keys::is_pipeline_output(object.key)) return "a pipeline output, not an original";
    if (!s.since_ms && !s.until_ms) return std::nullopt;
    auto created = uuidv7_unix_millis(id);
    if (!created) return "no creation time in its id, and a time range is set";
    if (s.since_ms && *created < *s.since_ms) return "before --since";
    if (s.until_ms && *created > *s.until_ms) return "after --until";
    return std::nullopt;
}

}  // namespace

Counts backfill_bucket(storage::ObjectStore& store, ReprocessSink& sink, RateLimiter& rate,
                       ProgressDisplay& progress, const BackfillSettings& s, std::stop_token stop) {
    Counts counts;
    std::uint64_t list_errors = 0;
    KeyRange range = key_range(s);
    std::string start_after = range.start_after;
    progress.set_total(std::nullopt);
    bool more = true;
    while (more && !stop.stop_requested()) {
        storage::ListPage page;
        try {
            page = with_storage_retries(
                "list originals", [&] { return store.list(s.prefix, start_after, s.page_size); },
                RetryPolicy{}, stop);
        } catch (const storage::StorageError& e) {
            log::error("listing the bucket failed; stopping",
                       {{"error", e.what()}, {"after", start_after}});
            ++list_errors;
            break;
        }
        more = page.next_start_after.has_value();
        if (more) start_after = *page.next_start_after;
        for (const auto& object : page.objects) {
            if (range.stop_at && object.key >= *range.stop_at) {
                more = false;
                break;
            }
            ++counts.scanned;
            std::string id = image_id_for_key(object.key);
            if (auto why = skip_reason(object, id, s)) {
                ++counts.skipped;
                log::debug("object skipped", {{"key", object.key}, {"reason", *why}});
            } else {
                if (!s.dry_run && !rate.acquire(stop)) break;
                nlohmann::json data = {{"size", object.size}, {"backfill", true}};
                // Nothing in the bucket remembers the upload's trace: each image starts one.
                sink.send(id, events::reprocess_event(id, object.key, s.force, std::move(data),
                                                      s.source, trace::start_trace())
                                  .dump());
            }
            counts.published = sink.published();
            counts.errors = list_errors + sink.failed();
            progress.update(counts, counts.scanned);
        }
    }
    sink.flush();
    counts.published = sink.published();
    counts.errors = list_errors + sink.failed();
    progress.finish(counts, counts.scanned);
    return counts;
}

}  // namespace fotogal::replay
