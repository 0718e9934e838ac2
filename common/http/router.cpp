#include "common/http/router.hpp"

#include <optional>

namespace fotogal::http {

namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        segments.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return segments;
}

// The captures of `path` against the pattern's segments; nullopt when it does not match.
std::optional<std::vector<std::string>> match_segments(const std::vector<std::string>& pattern,
                                                       const std::vector<std::string>& path) {
    if (pattern.size() != path.size()) return std::nullopt;
    std::vector<std::string> captures;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == "{}") {
            if (path[i].empty()) return std::nullopt;
            captures.push_back(path[i]);
        } else if (pattern[i] != path[i]) {
            return std::nullopt;
        }
    }
    return captures;
}

}  // namespace

void Router::add(std::string method, const std::string& pattern, Handler handler, Lane lane) {
    routes_.push_back({std::move(method), pattern, split_path(pattern), std::move(handler), lane});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    Match result;
    const std::string& wanted = method == "HEAD" ? std::string("GET") : method;
    auto segments = split_path(path);
    for (const auto& route : routes_) {
        auto captures = match_segments(route.segments, segments);
        if (!captures) continue;
        if (route.method != wanted) {
            if (result.allow.find(route.method) == std::string::npos)
                result.allow += (result.allow.empty() ? "" : ", ") + route.method;
            if (result.status == 404) result.status = 405;
            continue;
        }
        if (result.handler) continue;
        result.handler = &route.handler;
        result.lane = route.lane;
        result.route = route.pattern;
        result.params = std::move(*captures);
        if (result.allow.find(route.method) == std::string::npos)
            result.allow += (result.allow.empty() ? "" : ", ") + route.method;
        result.status = 200;
    }
    if (result.allow.find("GET") != std::string::npos) result.allow += ", HEAD";
    if (result.status != 404) result.allow += ", OPTIONS";
    return result;
}

}  // namespace fotogal::http
