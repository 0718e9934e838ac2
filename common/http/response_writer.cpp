#include "common/http/response_writer.hpp"

#include <ctime>

namespace fotogal::http {

std::string reason_phrase(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 206:
            return "Partial Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 416:
            return "Range Not Satisfiable";
        case 417:
            return "Expectation Failed";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Status";
    }
}

namespace {

std::string http_date() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buffer;
}

bool has_body(int status) {
    return status >= 200 && status != 204 && status != 304;
}

}  // namespace

std::string serialize_response(const Response& res, bool head_only, bool keep_alive,
                               const std::string& request_id) {
    std::string out;
    out.reserve(256 + res.body.size());
    out += "HTTP/1.1 " + std::to_string(res.status) + " " + reason_phrase(res.status) + "\r\n";
    for (const auto& [name, value] : res.headers) {
        if (iequals(name, "content-length") || iequals(name, "connection")) continue;
        out += name + ": " + value + "\r\n";
    }
    out += "Date: " + http_date() + "\r\n";
    if (!request_id.empty()) out += "X-Request-Id: " + request_id + "\r\n";
    if (has_body(res.status)) out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
    out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "\r\n";
    if (!head_only && has_body(res.status)) out += res.body;
    return out;
}

}  // namespace fotogal::http
