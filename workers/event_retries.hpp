// One event, tried until it is done: transient failures (storage or broker trouble) are
// retried with exponential backoff and jitter, for as long as the event's partition is ours.
// Permanent problems never reach here as exceptions: the handler turns them into a `failed`
// manifest and a dead-letter record, once.
#pragma once

#include <functional>
#include <stop_token>

#include "common/retry.hpp"
#include "workers/image_event_handler.hpp"

namespace fotogal::worker {

// Throws TransientFailure when the event must be tried again later.
using MessageHandler = std::function<void(const IncomingMessage&)>;

enum class Attempts { finished, abandoned };

// Retries until `handler` returns, or until `abandon` is requested (the partition was revoked
// or the shutdown grace period ran out); an attempt already running is never interrupted.
// `policy.max_attempts` is ignored: an event is never given up while it is ours, because
// giving up would either lose it or commit past it.
Attempts handle_with_retries(const MessageHandler& handler, const IncomingMessage& message,
                             std::stop_token abandon, RetryPolicy policy);

}  // namespace fotogal::worker
