// One consumed event, handled to the end: the original fetched, the pipeline run, outputs
// and the manifest (last) written, the result event produced; or, for a permanent problem,
// a dead-letter record, a `failed` manifest and a failed event. Kafka and storage around the
// pipeline; the pipeline itself knows neither.
#pragma once

#include <string>

#include "common/errors.hpp"
#include "common/kafka/event_publisher.hpp"
#include "common/memory_budget.hpp"
#include "common/storage/object_store.hpp"
#include "workers/bucket_event_scope.hpp"
#include "workers/incoming_message.hpp"
#include "workers/pipeline/recipe.hpp"

namespace fotogal::worker {

struct Topics {
    std::string results;
    std::string dlq;
};

struct HandlerContext {
    storage::ObjectStore& store;
    kafka::EventPublisher& producer;
    const pipeline::Recipe& recipe;
    Topics topics;
    std::string source;  // CloudEvents source of what this worker emits
    BucketEventScope bucket_events{};
    MemoryBudget* memory = nullptr;  // images reserve their peak here first; null: no admission
};

enum class Outcome { processed, failed, skipped, ignored, dead_lettered };
const char* outcome_name(Outcome o);

// Returns how the event ended, or throws an Error: transient (storage or broker trouble; the
// retry layer tries again), permanent (the store refused the work), poison (e.g. a corrupt
// manifest in the bucket).
Outcome handle_message(const HandlerContext& ctx, const IncomingMessage& message);

// The record for an event the retry layer gave up on: the image (when the event names one),
// the last error, every attempt, and the command that processes the image again. Throws a
// transient Error when the dead-letter topic did not acknowledge it.
void dead_letter_event(const HandlerContext& ctx, const IncomingMessage& message, const Error& last,
                       const AttemptHistory& history);

}  // namespace fotogal::worker
