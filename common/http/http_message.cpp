#include "common/http/http_message.hpp"

#include <cctype>

namespace fotogal::http {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool list_contains(std::string_view value, std::string_view token) {
    while (!value.empty()) {
        auto comma = value.find(',');
        if (iequals(trim_ows(value.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 &&
                   hex(text[i + 2]) >= 0) {
            out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string_view Request::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return {};
}

bool Request::has_header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name) return true;
    return false;
}

std::vector<std::pair<std::string, std::string>> Request::query_params() const {
    std::vector<std::pair<std::string, std::string>> params;
    std::string_view rest = query;
    while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        auto eq = pair.find('=');
        if (eq != std::string_view::npos)
            params.emplace_back(percent_decode(pair.substr(0, eq)),
                                percent_decode(pair.substr(eq + 1)));
    }
    return params;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    for (auto& [key, value] : query_params())
        if (key == name) return value;
    return std::nullopt;
}

void Response::set_header(std::string_view name, std::string value) {
    for (auto& [k, v] : headers)
        if (iequals(k, name)) {
            v = std::move(value);
            return;
        }
    headers.emplace_back(std::string(name), std::move(value));
}

std::string_view Response::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

void Response::set_content(std::string content, std::string content_type) {
    body = std::move(content);
    set_header("Content-Type", std::move(content_type));
}

void Response::set_json(int new_status, const nlohmann::json& json) {
    status = new_status;
    set_content(json.dump(), "application/json");
}

void send_error(Response& res, int status, std::string_view code, std::string_view message) {
    res.set_json(status, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace fotogal::http
