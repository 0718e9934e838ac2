// One failure model for every binary. Each failure is exactly one of four kinds, and the kind
// alone decides what happens next:
//   transient - the system around the work is in trouble (storage 5xx/429/timeouts, a broker
//               that did not acknowledge): try again later, within the retry budget;
//   permanent - this image can never be processed as asked (undecodable, over a limit, refused
//               by the store): a `failed` manifest and one dead-letter record, no retry;
//   poison    - the event itself cannot be handled (not JSON, unknown type, a corrupt manifest
//               in the bucket): one dead-letter record with the reason, the partition goes on;
//   fatal     - the process cannot go on (bad configuration, a broken invariant): exit
//               non-zero so the orchestrator restarts it.
// `code` is stable and machine-readable; the message says what to do about it.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace fotogal {

enum class ErrorKind { transient, permanent, poison, fatal };

const char* kind_name(ErrorKind kind);

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, std::string code, const std::string& message)
        : std::runtime_error(message), kind_(kind), code_(std::move(code)) {}
    ErrorKind kind() const { return kind_; }
    const std::string& code() const { return code_; }
    bool transient() const { return kind_ == ErrorKind::transient; }

  private:
    ErrorKind kind_;
    std::string code_;
};

// The one place that decides the kind of anything caught with `catch (...)`: an Error keeps
// its own; a JSON type or lookup error is poison (the data is malformed and will stay so); an
// allocation failure is transient (memory may free up); anything else unexpected is transient
// too, so the retry budget bounds it rather than one stray exception condemning an event.
Error classify(std::exception_ptr failure);

// HTTP status of an object-store or service answer -> transient (429, 5xx but 501) or
// permanent (everything else that is not a success).
ErrorKind http_status_kind(long status);

}  // namespace fotogal
