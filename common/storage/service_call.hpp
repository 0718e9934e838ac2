// One request to an object-store service, with the shared behaviour of both network
// backends: a fresh signed request per attempt, retries with decorrelated-jitter backoff on
// 429, 5xx (not 501), OCI's 409 IncorrectState and network errors, and errors that name the
// operation, the key, the HTTP status, the service's error code and its request id.
#pragma once

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>

#include "common/retry.hpp"
#include "common/storage/http_client.hpp"

namespace fotogal::storage {

struct ServiceFailure {
    std::string code;
    std::string message;
    std::string request_id;
};

bool retryable_failure(long status, const std::string& code);

class ServiceCaller {
  public:
    using Attempt = std::function<HttpResponse()>;
    using FailureParser = std::function<ServiceFailure(const HttpResponse&)>;

    ServiceCaller(std::string store, RetryPolicy policy, FailureParser parse)
        : store_(std::move(store)), policy_(policy), parse_(std::move(parse)) {}

    // Returns a 2xx response, or one with a status in `accepted` (e.g. 404 for a get);
    // throws StorageError otherwise (transient when a retry could help, after the retries).
    HttpResponse call(const std::string& operation, const std::string& key, const Attempt& attempt,
                      std::initializer_list<long> accepted = {}) const;

    // A GET whose body streams into `destination` (404 accepted, the file then removed). Each
    // attempt starts the file afresh, so a retried download is never spliced.
    using SinkAttempt = std::function<HttpResponse(const BodySink&)>;
    HttpResponse download(const std::string& key, const std::filesystem::path& destination,
                          const SinkAttempt& attempt) const;

    // A 404 means "no such object" only with the service's object-missing code (or no body,
    // as for HEAD); a 404 for a missing bucket or an unknown user must not read as "absent".
    bool object_missing(const HttpResponse& response, const std::string& missing_code) const;
    [[noreturn]] void fail(const std::string& operation, const std::string& key,
                           const HttpResponse& response) const;

    const RetryPolicy& policy() const { return policy_; }

  private:
    std::string store_;
    RetryPolicy policy_;
    FailureParser parse_;
};

}  // namespace fotogal::storage
