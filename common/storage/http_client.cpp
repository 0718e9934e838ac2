#include "common/storage/http_client.hpp"

#include "common/storage/object_store.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace fotogal::storage {

namespace {

// libcurl's global init is not thread-safe on every platform; done once, before any handle.
void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct FileCloser {
    void operator()(std::FILE* f) const {
        if (f) std::fclose(f);
    }
};

struct SlistFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// State of one transfer, reached from libcurl's callbacks.
struct Transfer {
    const HttpRequest* request = nullptr;
    std::unique_ptr<std::FILE, FileCloser> file;
    std::uint64_t sent = 0;
    CURL* curl = nullptr;
    const BodySink* sink = nullptr;
    HttpResponse* response = nullptr;
    std::string sink_error;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::uint64_t left = t->request->body_size() - t->sent;
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * count));
    if (n == 0) return 0;
    if (t->file) {
        n = std::fread(buffer, 1, n, t->file.get());
        if (n == 0) return CURL_READFUNC_ABORT;  // the file shrank under us
    } else {
        std::memcpy(buffer, t->request->body.data() + t->sent, n);
    }
    t->sent += n;
    return n;
}

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    long status = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(data), n);
    if (t->sink && status >= 200 && status < 300) {
        try {
            (*t->sink)(bytes);
        } catch (const std::exception& e) {
            t->sink_error = e.what();
            return 0;  // aborts the transfer
        }
        return n;
    }
    auto& body = t->response->body;
    if (body.empty()) {
        // One allocation for the whole object when the server announced its size.
        auto len = t->response->header("content-length");
        if (!len.empty()) body.reserve(std::strtoull(len.c_str(), nullptr, 10));
    }
    body.insert(body.end(), bytes.begin(), bytes.end());
    return n;
}

std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
        t->response->headers.clear();  // a 100 Continue or redirect came before
        return n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
        value.remove_prefix(1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
        value.remove_suffix(1);
    t->response->headers[name] = std::string(value);
    return n;
}

}  // namespace

struct HttpClient::Handle {
    CURL* curl = nullptr;
    Handle() : curl(curl_easy_init()) {
        if (!curl) throw HttpTransportError("libcurl could not create a handle");
    }
    ~Handle() { curl_easy_cleanup(curl); }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
};

std::string HttpResponse::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(HttpOptions options) : options_(options) {
    global_init();
}

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Handle> HttpClient::borrow() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto h = std::move(idle_.back());
            idle_.pop_back();
            return h;
        }
    }
    return std::make_unique<Handle>();
}

void HttpClient::give_back(std::unique_ptr<Handle> handle) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(handle));
}

HttpResponse HttpClient::perform(const HttpRequest& request, const BodySink* sink) {
    auto handle = borrow();
    CURL* curl = handle->curl;
    // Reset keeps the handle's live connections, so the next request reuses them.
    curl_easy_reset(curl);

    HttpResponse response;
    Transfer t;
    t.request = &request;
    t.curl = curl;
    t.sink = sink;
    t.response = &response;
    if (request.file) {
        t.file.reset(std::fopen(request.file->path.c_str(), "rb"));
        if (!t.file ||
            fseeko(t.file.get(), static_cast<off_t>(request.file->offset), SEEK_SET) != 0)
            throw StorageError(
                "cannot read " + request.file->path.string() + ": " + std::strerror(errno), false);
    }

    std::unique_ptr<curl_slist, SlistFree> headers;
    auto add = [&](const std::string& line) {
        curl_slist* next = curl_slist_append(headers.get(), line.c_str());
        if (!next) throw HttpTransportError("libcurl could not add a header");
        (void)headers.release();
        headers.reset(next);
    };
    for (const auto& [name, value] : request.headers) add(name + ": " + value);
    // No "Expect: 100-continue" round trip, and no chunked bodies: sizes are always known.
    add("Expect:");
    add("Transfer-Encoding:");

    bool has_body = request.method == "PUT" || request.method == "POST";
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(options_.stall_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    if (request.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (has_body) {
        // UPLOAD + a custom method sends PUT or POST with a Content-Length from the size,
        // even 0, and the body from read_body.
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                         static_cast<curl_off_t>(request.body_size()));
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
        curl_easy_setopt(curl, CURLOPT_READDATA, &t);
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    } else if (request.method != "GET") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    if (rc != CURLE_OK) {
        std::string why = !t.sink_error.empty() ? t.sink_error
                          : error[0]            ? std::string(error)
                                                : curl_easy_strerror(rc);
        // A failed transfer may leave the connection in any state; drop the handle with it.
        if (!t.sink_error.empty()) throw StorageError("download aborted: " + why, false);
        throw HttpTransportError(request.method + " " + request.url + ": " + why);
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    give_back(std::move(handle));
    return response;
}

}  // namespace fotogal::storage
