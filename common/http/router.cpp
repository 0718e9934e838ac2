#include "common/http/router.hpp"

namespace fotogal::http {

void Router::add(std::string method, const std::string& pattern, Handler handler, Lane lane) {
    routes_.push_back({std::move(method), pattern, std::regex(pattern), std::move(handler), lane});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    Match result;
    const std::string& wanted = method == "HEAD" ? std::string("GET") : method;
    for (const auto& route : routes_) {
        std::smatch m;
        if (!std::regex_match(path, m, route.regex)) continue;
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
        for (std::size_t i = 1; i < m.size(); ++i) result.params.push_back(m[i].str());
        if (result.allow.find(route.method) == std::string::npos)
            result.allow += (result.allow.empty() ? "" : ", ") + route.method;
        result.status = 200;
    }
    if (result.allow.find("GET") != std::string::npos) result.allow += ", HEAD";
    if (result.status != 404) result.allow += ", OPTIONS";
    return result;
}

}  // namespace fotogal::http
