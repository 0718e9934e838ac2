// What a handler sees of one HTTP exchange: the parsed request (its body is read on demand
// through a BodyReader, never buffered whole) and the response it fills in.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fotogal::http {

class BodyReader;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
    std::string method;
    std::string target;  // as sent: path and query
    std::string path;
    std::string query;  // raw, without '?'
    int minor_version = 1;
    HeaderList headers;               // names in lower case
    std::vector<std::string> params;  // the route pattern's captures
    std::string remote;               // peer address, for logs
    std::string request_id;
    BodyReader* body = nullptr;  // always set while a handler runs

    // The first header of that name ("" when absent); `name` in lower case.
    std::string_view header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    // The query's `name=value` pairs in order, percent-decoded (a bare `name` is left out).
    std::vector<std::pair<std::string, std::string>> query_params() const;
    // The first value of a query parameter; nullopt when absent.
    std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
    int status = 200;
    HeaderList headers;
    std::string body;
    bool close = false;  // end the connection after this response

    // Replaces any header of that name (compared case-insensitively).
    void set_header(std::string_view name, std::string value);
    std::string_view header(std::string_view name) const;
    void set_content(std::string content, std::string content_type);
    void set_json(int status, const nlohmann::json& json);
};

// {"error": {"code", "message"}} with `status`: the one error shape of every endpoint.
void send_error(Response& res, int status, std::string_view code, std::string_view message);

std::string percent_decode(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
// Without the optional whitespace (spaces, tabs) around a field value or list item.
std::string_view trim_ows(std::string_view s);
// Whether the comma-separated list `value` holds `token` (case-insensitive).
bool list_contains(std::string_view value, std::string_view token);

}  // namespace fotogal::http
