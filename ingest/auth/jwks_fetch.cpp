#include "ingest/auth/jwks_fetch.hpp"

#include <curl/curl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace fotogal::ingest::auth {

namespace {

struct CurlCleanup {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

struct Download {
    std::string body;
    std::size_t max_bytes = 0;
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* d = static_cast<Download*>(user);
    std::size_t n = size * count;
    if (d->body.size() + n > d->max_bytes) {
        d->too_large = true;
        return 0;  // aborts the transfer
    }
    d->body.append(data, n);
    return n;
}

bool starts_with(const std::string& s, std::string_view prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

std::string fetch_url(const std::string& url, const JwksFetchLimits& limits) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    std::unique_ptr<CURL, CurlCleanup> curl(curl_easy_init());
    if (!curl) throw std::runtime_error("libcurl could not start a transfer");
    Download download;
    download.max_bytes = limits.max_bytes;
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(limits.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.total_timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: threads are safe
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &download);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "fotogal-ingest");
    CURLcode rc = curl_easy_perform(c);
    if (download.too_large)
        throw std::runtime_error("the JWKS at " + url + " is larger than " +
                                 std::to_string(limits.max_bytes) + " bytes");
    if (rc != CURLE_OK)
        throw std::runtime_error("cannot fetch the JWKS from " + url + ": " +
                                 curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200)
        throw std::runtime_error("the JWKS URL " + url + " answered HTTP " +
                                 std::to_string(status) + " instead of 200");
    return std::move(download.body);
}

std::string read_file(const std::string& path, const JwksFetchLimits& limits) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read the JWKS file " + path + " (" + std::strerror(errno) +
                                 ")");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > limits.max_bytes)
        throw std::runtime_error("the JWKS file " + path + " is larger than " +
                                 std::to_string(limits.max_bytes) + " bytes");
    return text.str();
}

}  // namespace

std::string fetch_jwks(const std::string& location, const JwksFetchLimits& limits) {
    if (starts_with(location, "http://") || starts_with(location, "https://"))
        return fetch_url(location, limits);
    if (starts_with(location, "file://")) return read_file(location.substr(7), limits);
    return read_file(location, limits);
}

}  // namespace fotogal::ingest::auth
