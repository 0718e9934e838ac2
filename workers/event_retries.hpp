// The worker's one retry layer: an event is tried until it is done, within a budget of
// attempts, and every wait between attempts ends at once when the event's partition is
// revoked or the worker shuts down. Below it nothing retries on its own (the stores retry only
// when their URL asks). What happens after a failure depends only on its ErrorKind:
//   transient -> wait (exponential backoff, decorrelated jitter) and try again; after
//                `max_attempts` the event is dead-lettered with its history and the partition
//                moves on;
//   permanent, poison -> dead-lettered at once (an image failure the handler could not record
//                itself, e.g. a store refusing the write; an event that cannot be handled);
//   fatal -> returned to the loop, which stops the worker with a non-zero exit.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>

#include "common/errors.hpp"
#include "common/retry.hpp"
#include "workers/incoming_message.hpp"

namespace fotogal::worker {

// Handles the event to the end, or throws (an Error, or anything classify() maps).
using MessageHandler = std::function<void(const IncomingMessage&)>;
// Writes the dead-letter record for an event given up on; throws when it could not (then the
// dead letter is retried like any transient failure, until done or abandoned).
using DeadLetterHandler =
    std::function<void(const IncomingMessage&, const Error& last, const AttemptHistory&)>;

struct RetryBudget {
    int max_attempts = 5;  // FOTOGAL_MAX_ATTEMPTS
    std::chrono::milliseconds base{1000};
    std::chrono::milliseconds cap{30000};
};

enum class Attempts { finished, dead_lettered, abandoned, fatal };

struct AttemptsResult {
    Attempts result = Attempts::finished;
    std::optional<Error> fatal;  // when result == fatal
};

// `abandon` is requested on revoke and on shutdown: a wait in progress ends at once, and no new
// attempt starts. An attempt already running is never interrupted.
AttemptsResult handle_with_retries(const MessageHandler& handler,
                                   const DeadLetterHandler& dead_letter,
                                   const IncomingMessage& message, std::stop_token abandon,
                                   const RetryBudget& budget);

// How long one event may legitimately take under `budget` when each attempt may run for
// `attempt_limit` (the recipe's processing limit plus the storage and broker round trips):
// every attempt at its limit plus every wait at the backoff cap. An event in flight longer than
// this is stuck (a hung call no timeout covers), which /readyz reports.
std::chrono::milliseconds stuck_threshold(const RetryBudget& budget,
                                          std::chrono::milliseconds attempt_limit);

}  // namespace fotogal::worker
