// One consumed event, handled to the end: the original fetched, the pipeline run, outputs
// and the manifest (last) written, the result event produced; or, for a permanent problem,
// a dead-letter record, a `failed` manifest and a failed event. Kafka and storage around the
// pipeline; the pipeline itself knows neither.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <stop_token>
#include <string>

#include "common/kafka/event_publisher.hpp"
#include "common/memory_budget.hpp"
#include "common/storage/object_store.hpp"
#include "workers/bucket_event_scope.hpp"
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

struct IncomingMessage {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::string key;
    std::string value;
    std::stop_token abandon{};  // requested when the event is no longer ours (revoke, shutdown)
};

enum class Outcome { processed, failed, skipped, ignored, dead_lettered };
const char* outcome_name(Outcome o);

// The event could not be finished now (storage or broker trouble after retries); it must be
// delivered again later and its offset must not be committed.
class TransientFailure : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

Outcome handle_message(const HandlerContext& ctx, const IncomingMessage& message);

}  // namespace fotogal::worker
