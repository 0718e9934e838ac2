#include "workers/image_event_handler.hpp"

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/events/event_trace.hpp"
#include "common/events/event_types.hpp"
#include "common/events/image_events.hpp"
#include "common/log_context.hpp"
#include "common/metrics.hpp"
#include "common/object_keys.hpp"
#include "workers/bucket_object_check.hpp"
#include "workers/image_metrics.hpp"
#include "workers/image_ownership.hpp"
#include "workers/pipeline/manifest.hpp"
#include "workers/pipeline/memory_admission.hpp"
#include "workers/pipeline/pipeline.hpp"
#include "workers/pipeline/processing_error.hpp"
#include "workers/upload_reservation.hpp"

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
    if (!d.ok)
        throw Error(ErrorKind::transient, "broker_unavailable",
                    "producing to " + topic + " failed: " + d.error);
}

// How an operator has the image processed again once the cause is fixed: a backfill of
// exactly its original, forced past any manifest (the prefix is the original's whole key).
json replay_hint(const std::string& object_key) {
    if (object_key.empty()) return nullptr;
    return "fotogal-replay --backfill --prefix '" + object_key + "' --force";
}

// One event being handled: where it came from, the worker's hop of its trace, and the fields
// every log line about it carries (image id, event id, trace id).
struct Work {
    const IncomingMessage& message;
    trace::TraceContext trace;
    log::Context log;
};

// The loop set the hop when it took the event; a caller that did not (tests, tools) gets one
// from the event itself.
trace::TraceContext hop_of(const IncomingMessage& m) {
    return m.trace.valid() ? m.trace : events::continue_trace_of_event(m.value);
}

struct DeadLetter {
    std::string code;
    std::string message;
    std::string kind;
    std::string image_id;
    std::string object_key;
    const AttemptHistory* history = nullptr;
};

void dead_letter(const HandlerContext& ctx, const IncomingMessage& m,
                 const trace::TraceContext& trace, const DeadLetter& d) {
    json record = {
        {"reason", {{"code", d.code}, {"message", d.message}, {"kind", d.kind}}},
        {"image_id", d.image_id},
        {"source",
         {{"topic", m.topic}, {"partition", m.partition}, {"offset", m.offset}, {"key", m.key}}},
        {"value", m.value.substr(0, kMaxDeadLetterValue)},
        {"value_truncated", m.value.size() > kMaxDeadLetterValue},
        {"replay", replay_hint(d.object_key)},
        {"worker_version", FOTOGAL_VERSION},
        {"time", rfc3339_now()}};
    events::set_trace_attributes(record, trace);  // the same trace id as the event's
    if (d.history) {
        json attempts = json::array();
        for (const auto& a : *d.history)
            attempts.push_back({{"attempt", a.attempt},
                                {"time", a.time},
                                {"kind", a.kind},
                                {"code", a.code},
                                {"error", a.error}});
        record["attempts"] = std::move(attempts);
    }
    produce(ctx, ctx.topics.dlq, m.key, record);
    metrics::counter("fotogal_dead_letters_total", "records sent to the dead-letter topic",
                     {{"code", d.code}})
        .inc();
}

// What consumers route on without reading the manifest: the flat labels, whether the image
// is held for review, and the objects and moderation tags, when the recipe made them (a
// manifest of an older worker or recipe may have none of them).
void add_tagger_verdicts(json& data, const json& manifest) {
    for (const char* key : {"labels", "held"})
        if (auto it = manifest.find(key); it != manifest.end()) data[key] = *it;
    auto tags = manifest.find("tags");
    if (tags == manifest.end()) return;
    for (const char* key : {"objects", "moderation"})
        if (auto it = tags->find(key); it != tags->end()) data[key] = *it;
}

// The result event's data, read with checked lookups: the manifest may have come back from
// the bucket, where anything can have been written.
json result_data(const json& manifest) {
    json outputs = json::array();
    for (const auto& o : manifest.at("outputs"))
        outputs.push_back({{"name", o.at("name")},
                           {"key", o.at("key")},
                           {"width", o.at("width")},
                           {"height", o.at("height")}});
    const auto& image_id = manifest.at("image_id").get_ref<const std::string&>();
    json data = {{"image_id", image_id},
                 {"status", manifest.at("status")},
                 {"manifest_key", keys::manifest(image_id)},
                 {"recipe_fingerprint", manifest.at("recipe_fingerprint")},
                 {"outputs", outputs}};
    record_ownership(data, ownership_from_manifest(manifest));
    add_tagger_verdicts(data, manifest);
    if (auto reason = manifest.find("reason"); reason != manifest.end()) data["reason"] = *reason;
    return data;
}

// The result event continues the trace with the worker's hop as its parent.
void publish_result(const HandlerContext& ctx, const Work& work, const json& manifest) {
    bool ok = manifest.at("status") == "processed";
    const auto& id = manifest.at("image_id").get_ref<const std::string&>();
    produce(ctx, ctx.topics.results, id,
            events::envelope(ok ? events::kProcessed : events::kFailed, ctx.source, id,
                             result_data(manifest), work.trace));
}

void write_manifest(const HandlerContext& ctx, const Work& work, const std::string& image_id,
                    const json& manifest) {
    std::string text = manifest.dump(2);
    std::string key = keys::manifest(image_id);
    ctx.store.put(key, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                  "application/json");
    work.log.info("manifest written", {{"key", key}, {"status", manifest.at("status")}});
}

Outcome fail(const HandlerContext& ctx, const Work& work, const pipeline::Job* job,
             const pipeline::SourceInfo& source, const Ownership& ownership,
             const std::string& code, const std::string& message) {
    work.log.warn("image failed", {{"code", code}, {"reason", message}});
    // Dead letter first, manifest last: a crash in between redoes the work rather than
    // leaving an image with a manifest but no dead-letter record.
    dead_letter(ctx, work.message, work.trace,
                {code, message, "permanent", source.image_id, source.key});
    json manifest = pipeline::failed_manifest(job, source, ctx.recipe, code, message);
    record_ownership(manifest, ownership);
    write_manifest(ctx, work, source.image_id, manifest);
    publish_result(ctx, work, manifest);
    count_image("failed", job);
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

// A manifest made with the current recipe means the work is done (replays skip it). One
// that is not a manifest at all (not JSON, fields missing or of the wrong type) was not
// written by a worker: poison, rather than a guess either way.
std::optional<json> current_manifest(const HandlerContext& ctx, const std::string& image_id) {
    std::string key = keys::manifest(image_id);
    auto bytes = ctx.store.get(key);
    if (!bytes) return std::nullopt;
    try {
        json manifest = json::parse(bytes->begin(), bytes->end());
        const auto& fingerprint = manifest.at("recipe_fingerprint").get_ref<const std::string&>();
        if (fingerprint != ctx.recipe.fingerprint) return std::nullopt;
        if (manifest.at("image_id") != image_id) throw std::invalid_argument("another image's id");
        result_data(manifest);  // everything a skip republishes must be readable
        return manifest;
    } catch (const std::exception& e) {
        throw Error(ErrorKind::poison, "corrupt_manifest",
                    key + " in the bucket is not a valid manifest (" + e.what() +
                        "); delete it, or replay the image with --force to rewrite it");
    }
}

// The upload's own word on owner and visibility, or (backfill, bucket events) what the
// image's earlier manifest recorded, whatever recipe made it, else what the reservation of
// its upload URL recorded (read only when there is no manifest: the manifest wins).
Ownership ownership_of(const HandlerContext& ctx, const Work& work,
                       const events::ImageRequest& request) {
    if (auto from_event = ownership_from_event(request)) return *from_event;
    std::optional<std::string> previous;
    if (auto bytes = ctx.store.get(keys::manifest(request.image_id)))
        previous.emplace(bytes->begin(), bytes->end());
    std::optional<Ownership> reserved;
    if (!previous) reserved = reserved_ownership(ctx.store, request.image_id, work.log);
    return ownership_without_facts(previous, reserved);
}

Outcome process(const HandlerContext& ctx, const Work& work, const events::ImageRequest& request) {
    const IncomingMessage& m = work.message;
    const bool bucket_event = events::is_bucket_event(request);
    std::optional<std::vector<std::uint8_t>> original;
    if (!request.force) {
        if (auto manifest = current_manifest(ctx, request.image_id)) {
            // A bucket event says an object was written, not that its content is new.
            CheckedObject object{ObjectState::unchanged, std::nullopt};
            if (bucket_event) object = check_bucket_object(ctx.store, request, *manifest);
            if (object.state == ObjectState::gone) {
                drop_gone_object(request);
                return Outcome::ignored;
            }
            if (object.state == ObjectState::unchanged) {
                work.log.info("manifest is current, skipping");
                // A redelivered upload may have lost its result event to a crash: say it again.
                if (request.type != events::kReprocess) publish_result(ctx, work, *manifest);
                return Outcome::skipped;
            }
            work.log.info("the object's content changed since its manifest; processing again");
            original = std::move(object.bytes);
        }
    }
    if (!original) original = ctx.store.get(request.object_key);
    if (!original && bucket_event) {
        drop_gone_object(request);
        return Outcome::ignored;
    }
    Ownership ownership = ownership_of(ctx, work, request);
    pipeline::SourceInfo source{request.image_id, request.object_key, 0, ""};
    if (!original)
        return fail(ctx, work, nullptr, source, ownership, "original_missing",
                    "the original " + request.object_key + " is not in the bucket");
    source.size = original->size();
    source.sha256 = sha256_hex(*original);

    // Reserved before any pixel is decoded and declared before the job, so it is given back
    // only once the job's buffers are gone.
    MemoryBudget::Reservation memory;
    try {
        if (ctx.memory) memory = pipeline::admit(*ctx.memory, *original, ctx.recipe, m.abandon);
    } catch (const pipeline::ProcessingError& e) {
        return fail(ctx, work, nullptr, source, ownership, e.code(), e.what());
    } catch (const AdmissionInterrupted& e) {
        // Not done and not failed: the event is no longer ours (revoke, shutdown).
        throw Error(ErrorKind::transient, "admission_interrupted", e.what());
    }
    pipeline::Job job(*original, ctx.recipe);
    try {
        metrics::counter("fotogal_pipeline_runs_total", "images run through the pipeline").inc();
        pipeline::run_pipeline(job);
    } catch (const pipeline::ProcessingError& e) {
        count_if_decoded(job);
        return fail(ctx, work, &job, source, ownership, e.code(), e.what());
    } catch (const std::exception& e) {
        count_if_decoded(job);
        // Anything else thrown by a decoder (cv::Exception, ...) is a property of this file,
        // not of the system: permanent.
        return fail(ctx, work, &job, source, ownership, "internal", e.what());
    }
    count_if_decoded(job);
    for (const auto& out : job.outputs)
        ctx.store.put(keys::rendition(request.image_id, out.name, out.extension), out.bytes,
                      out.media_type);
    json manifest = pipeline::processed_manifest(job, source);
    record_ownership(manifest, ownership);
    write_manifest(ctx, work, request.image_id, manifest);
    publish_result(ctx, work, manifest);
    count_image("processed", &job);
    metrics::histogram("fotogal_pipeline_seconds", "pipeline time per processed image")
        .observe(job.timings_ms.at("total").get<double>() / 1000.0);
    work.log.info("image processed",
                  {{"outputs", job.outputs.size()}, {"ms", job.timings_ms.at("total")}});
    return Outcome::processed;
}

}  // namespace

void dead_letter_event(const HandlerContext& ctx, const IncomingMessage& m, const Error& last,
                       const AttemptHistory& history) {
    DeadLetter d{last.code(), last.what(), kind_name(last.kind()), "", "", &history};
    events::ParsedEvent parsed = events::parse_event(m.value);
    if (const auto* request = std::get_if<events::ImageRequest>(&parsed)) {
        d.image_id = request->image_id;
        d.object_key = request->object_key;
    }
    dead_letter(ctx, m, hop_of(m), d);
}

namespace {

// Which outcome a message with several events reports: the one that did the most.
int weight(Outcome o) {
    switch (o) {
        case Outcome::ignored:
            return 0;
        case Outcome::skipped:
            return 1;
        case Outcome::dead_lettered:
            return 2;
        case Outcome::failed:
            return 3;
        case Outcome::processed:
            return 4;
    }
    return 0;
}

Outcome handle_event(const HandlerContext& ctx, const IncomingMessage& m,
                     const trace::TraceContext& trace, events::ParsedEvent& parsed) {
    if (auto* invalid = std::get_if<events::Invalid>(&parsed)) {
        log::Context({{"topic", m.topic}, {"partition", m.partition}, {"offset", m.offset}})
            .with_trace(trace)
            .warn("invalid event", {{"reason", invalid->reason}});
        dead_letter(ctx, m, trace, {"invalid_event", invalid->reason, "poison", "", ""});
        return Outcome::dead_lettered;
    }
    if (auto* ignored = std::get_if<events::Ignored>(&parsed)) {
        log::debug("event needs no work", {{"reason", ignored->reason}});
        return Outcome::ignored;
    }
    auto& request = std::get<events::ImageRequest>(parsed);
    if (!admit_bucket_event(ctx.bucket_events, request))
        return Outcome::ignored;  // logged and counted by admit_bucket_event
    if (request.type == events::kS3ObjectCreated) settle_ambiguous_key(ctx.store, request);
    Work work{m, trace,
              log::Context({{"image_id", request.image_id}, {"event_id", request.event_id}})
                  .with_trace(trace)};
    // Storage and broker errors go up to the retry layer, which alone decides.
    Outcome outcome = process(ctx, work, request);
    if (outcome == Outcome::processed || outcome == Outcome::failed)
        observe_upload_to_manifest(m, request.type);
    return outcome;
}

}  // namespace

Outcome handle_message(const HandlerContext& ctx, const IncomingMessage& m) {
    // Registered from the first event on, so a worker that only skipped shows 0, not nothing.
    decoded_counter();
    trace::TraceContext trace = hop_of(m);
    // One event per message, except S3 notifications: one per record, each handled (and
    // counted) on its own. An error in one goes up for the whole message; on the retry the
    // records already done find their manifests and are skipped.
    std::vector<events::ParsedEvent> parsed = events::parse_events(m.value);
    Outcome overall = Outcome::ignored;
    for (auto& event : parsed) {
        Outcome outcome = handle_event(ctx, m, trace, event);
        metrics::counter("fotogal_events_total", "events handled, by outcome",
                         {{"outcome", outcome_name(outcome)}})
            .inc();
        if (weight(outcome) >= weight(overall)) overall = outcome;
    }
    return overall;
}

}  // namespace fotogal::worker
