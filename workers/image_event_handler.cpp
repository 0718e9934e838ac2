#include "workers/image_event_handler.hpp"

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/events/event_types.hpp"
#include "common/events/image_events.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/object_keys.hpp"
#include "common/retry.hpp"
#include "workers/pipeline/manifest.hpp"
#include "workers/pipeline/memory_admission.hpp"
#include "workers/pipeline/pipeline.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::worker {

using nlohmann::json;

const char* outcome_name(Outcome o) {
    switch (o) {
        case Outcome::processed:
            return "processed";
        case Outcome::failed:
            return "failed";
        case Outcome::skipped:
            return "skipped";
        case Outcome::ignored:
            return "ignored";
        case Outcome::dead_lettered:
            return "dead_lettered";
    }
    return "unknown";
}

namespace {

constexpr std::size_t kMaxDeadLetterValue = 32 * 1024;

void produce(const HandlerContext& ctx, const std::string& topic, const std::string& key,
             const json& value) {
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    kafka::Delivery d = ctx.producer.send(topic, key, text);
    if (!d.ok) throw TransientFailure("producing to " + topic + " failed: " + d.error);
}

template <typename Op>
auto storage_op(const char* what, Op&& op) {
    try {
        return with_storage_retries(what, std::forward<Op>(op));
    } catch (const storage::StorageError& e) {
        if (e.transient()) throw TransientFailure(e.what());
        throw;
    }
}

void dead_letter(const HandlerContext& ctx, const IncomingMessage& m, const std::string& code,
                 const std::string& message, const std::string& image_id) {
    json record = {
        {"reason", {{"code", code}, {"message", message}}},
        {"image_id", image_id},
        {"source",
         {{"topic", m.topic}, {"partition", m.partition}, {"offset", m.offset}, {"key", m.key}}},
        {"value", m.value.substr(0, kMaxDeadLetterValue)},
        {"value_truncated", m.value.size() > kMaxDeadLetterValue},
        {"worker_version", FOTOGAL_VERSION},
        {"time", rfc3339_now()}};
    produce(ctx, ctx.topics.dlq, m.key, record);
    metrics::counter("fotogal_dead_letters_total", "records sent to the dead-letter topic",
                     {{"code", code}})
        .inc();
}

json result_data(const json& manifest) {
    json outputs = json::array();
    for (const auto& o : manifest.value("outputs", json::array()))
        outputs.push_back({{"name", o["name"]},
                           {"key", o["key"]},
                           {"width", o["width"]},
                           {"height", o["height"]}});
    json data = {{"image_id", manifest["image_id"]},
                 {"status", manifest["status"]},
                 {"manifest_key", keys::manifest(manifest["image_id"].get<std::string>())},
                 {"recipe_fingerprint", manifest["recipe_fingerprint"]},
                 {"outputs", outputs}};
    if (manifest.contains("reason")) data["reason"] = manifest["reason"];
    return data;
}

void publish_result(const HandlerContext& ctx, const json& manifest) {
    bool ok = manifest["status"] == "processed";
    std::string id = manifest["image_id"];
    produce(ctx, ctx.topics.results, id,
            events::envelope(ok ? events::kProcessed : events::kFailed, ctx.source, id,
                             result_data(manifest)));
}

void write_manifest(const HandlerContext& ctx, const std::string& image_id, const json& manifest) {
    std::string text = manifest.dump(2);
    storage_op("put manifest", [&] {
        ctx.store.put(keys::manifest(image_id),
                      std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                      "application/json");
    });
}

Outcome fail(const HandlerContext& ctx, const IncomingMessage& m, const pipeline::Job* job,
             const pipeline::SourceInfo& source, const std::string& code,
             const std::string& message) {
    log::warn("image failed", {{"image_id", source.image_id}, {"code", code}, {"reason", message}});
    // Dead letter first, manifest last: a crash in between redoes the work rather than
    // leaving an image with a manifest but no dead-letter record.
    dead_letter(ctx, m, code, message, source.image_id);
    json manifest = pipeline::failed_manifest(job, source, ctx.recipe, code, message);
    write_manifest(ctx, source.image_id, manifest);
    publish_result(ctx, manifest);
    return Outcome::failed;
}

// Counted here, where the pipeline runs, from what the decode step did: a replay's skips
// can then be shown to have cost no decode at all (the counter does not move).
metrics::Counter& decoded_counter() {
    static metrics::Counter& counter = metrics::counter("fotogal_images_decoded_total",
                                                        "images whose pixels the pipeline decoded");
    return counter;
}

void count_if_decoded(const pipeline::Job& job) {
    if (job.timings_ms.contains("decode")) decoded_counter().inc();
}

// A manifest made with the current recipe means the work is done (replays skip it).
std::optional<json> current_manifest(const HandlerContext& ctx, const std::string& image_id) {
    auto bytes =
        storage_op("get manifest", [&] { return ctx.store.get(keys::manifest(image_id)); });
    if (!bytes) return std::nullopt;
    json manifest = json::parse(bytes->begin(), bytes->end(), nullptr, false);
    if (manifest.is_discarded() ||
        manifest.value("recipe_fingerprint", "") != ctx.recipe.fingerprint)
        return std::nullopt;
    return manifest;
}

Outcome process(const HandlerContext& ctx, const IncomingMessage& m,
                const events::ImageRequest& request) {
    json log_ids = {{"image_id", request.image_id}, {"event_id", request.event_id}};
    if (!request.force) {
        if (auto manifest = current_manifest(ctx, request.image_id)) {
            log::info("manifest is current, skipping", log_ids);
            // A redelivered upload may have lost its result event to a crash: say it again.
            if (request.type != events::kReprocess) publish_result(ctx, *manifest);
            return Outcome::skipped;
        }
    }
    pipeline::SourceInfo source{request.image_id, request.object_key, 0, ""};
    auto original = storage_op("get original", [&] { return ctx.store.get(request.object_key); });
    if (!original)
        return fail(ctx, m, nullptr, source, "original_missing",
                    "the original " + request.object_key + " is not in the bucket");
    source.size = original->size();
    source.sha256 = sha256_hex(*original);

    // Reserved before any pixel is decoded and declared before the job, so it is given back
    // only once the job's buffers are gone.
    MemoryBudget::Reservation memory;
    try {
        if (ctx.memory) memory = pipeline::admit(*ctx.memory, *original, ctx.recipe, m.abandon);
    } catch (const pipeline::ProcessingError& e) {
        return fail(ctx, m, nullptr, source, e.code(), e.what());
    } catch (const AdmissionInterrupted& e) {
        throw TransientFailure(e.what());
    }
    pipeline::Job job(*original, ctx.recipe);
    try {
        metrics::counter("fotogal_pipeline_runs_total", "images run through the pipeline").inc();
        pipeline::run_pipeline(job);
    } catch (const pipeline::ProcessingError& e) {
        count_if_decoded(job);
        return fail(ctx, m, &job, source, e.code(), e.what());
    } catch (const std::exception& e) {
        count_if_decoded(job);
        // Anything else thrown by a decoder is a property of this file, not of the system.
        return fail(ctx, m, &job, source, "internal", e.what());
    }
    count_if_decoded(job);
    for (const auto& out : job.outputs)
        storage_op("put rendition", [&] {
            ctx.store.put(keys::rendition(request.image_id, out.name, out.extension), out.bytes,
                          out.media_type);
        });
    json manifest = pipeline::processed_manifest(job, source);
    write_manifest(ctx, request.image_id, manifest);
    publish_result(ctx, manifest);
    metrics::histogram("fotogal_pipeline_seconds", "pipeline time per processed image")
        .observe(job.timings_ms["total"].get<double>() / 1000.0);
    log::info("image processed", {{"image_id", request.image_id},
                                  {"event_id", request.event_id},
                                  {"outputs", job.outputs.size()},
                                  {"ms", job.timings_ms["total"]}});
    return Outcome::processed;
}

}  // namespace

Outcome handle_message(const HandlerContext& ctx, const IncomingMessage& m) {
    // Registered from the first event on, so a worker that only skipped shows 0, not nothing.
    decoded_counter();
    events::ParsedEvent parsed = events::parse_event(m.value);
    Outcome outcome;
    if (auto* invalid = std::get_if<events::Invalid>(&parsed)) {
        log::warn("invalid event", {{"reason", invalid->reason},
                                    {"topic", m.topic},
                                    {"partition", m.partition},
                                    {"offset", m.offset}});
        dead_letter(ctx, m, "invalid_event", invalid->reason, "");
        outcome = Outcome::dead_lettered;
    } else if (auto* ignored = std::get_if<events::Ignored>(&parsed)) {
        log::debug("event needs no work", {{"reason", ignored->reason}});
        outcome = Outcome::ignored;
    } else if (!admit_bucket_event(ctx.bucket_events, std::get<events::ImageRequest>(parsed))) {
        outcome = Outcome::ignored;  // logged and counted by admit_bucket_event
    } else {
        const auto& request = std::get<events::ImageRequest>(parsed);
        try {
            outcome = process(ctx, m, request);
        } catch (const storage::StorageError& e) {
            // Permanent storage refusals (a key it will never accept, access denied).
            log::error("storage refused the event's work",
                       {{"image_id", request.image_id}, {"error", e.what()}});
            dead_letter(ctx, m, "storage_error", e.what(), request.image_id);
            outcome = Outcome::dead_lettered;
        }
    }
    metrics::counter("fotogal_events_total", "events handled, by outcome",
                     {{"outcome", outcome_name(outcome)}})
        .inc();
    return outcome;
}

}  // namespace fotogal::worker
