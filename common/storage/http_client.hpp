// A small HTTP client over libcurl for the object-store backends. Each request borrows an easy
// handle from a pool and gives it back afterwards, so connections (and TLS sessions) are
// reused across requests and threads can share one client. Bodies stream: uploads are read
// from the caller's memory or straight from a file, downloads go to a sink as they arrive.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fotogal::storage {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Part of a file to send as the request body.
struct FileRange {
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

struct HttpRequest {
    std::string method;                  // GET, PUT, POST, DELETE, HEAD
    std::string url;                     // already percent-encoded, exactly as signed
    HeaderList headers;                  // sent as given (e.g. the signed Host and Date)
    std::span<const std::uint8_t> body;  // the body, when `file` is empty
    std::optional<FileRange> file;       // or a part of a file
    std::uint64_t body_size() const { return file ? file->length : body.size(); }
};

struct HttpResponse {
    long status = 0;
    std::map<std::string, std::string> headers;  // names in lower case
    std::vector<std::uint8_t> body;              // empty when a sink took a 2xx body
    std::string header(const std::string& lower_name) const;
    std::string text() const { return {body.begin(), body.end()}; }
};

// Receives a successful response's body piece by piece.
using BodySink = std::function<void(std::span<const std::uint8_t>)>;

// Could not talk to the server at all (refused, reset, timed out, DNS). Worth retrying.
class HttpTransportError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct HttpOptions {
    std::chrono::milliseconds connect_timeout{10'000};
    // A transfer slower than 1 KiB/s for this long is abandoned; no total limit, so a large
    // object on a slow link still completes.
    std::chrono::seconds stall_timeout{60};
    // CA bundle that verifies https servers instead of the system's ("" = the system's), e.g.
    // the Kubernetes service account's ca.crt for a cluster-internal endpoint.
    std::string ca_file;
};

class HttpClient {
  public:
    explicit HttpClient(HttpOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Throws HttpTransportError; any HTTP status is a response. A 2xx body goes to `sink`
    // when one is given, every other body is kept in the response (for the error message).
    HttpResponse perform(const HttpRequest& request, const BodySink* sink = nullptr);

  private:
    struct Handle;
    std::unique_ptr<Handle> borrow();
    void give_back(std::unique_ptr<Handle> handle);

    HttpOptions options_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Handle>> idle_;
};

}  // namespace fotogal::storage
