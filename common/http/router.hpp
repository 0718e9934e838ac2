// Which handler serves a request: routes by method and path pattern ("/v1/images/{}": each
// `{}` matches one non-empty path segment and becomes a Request::params entry), each on a lane —
// health and metrics on their own threads so they answer however busy the API is. HEAD is served by
// the GET route without the body.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/http/http_message.hpp"

namespace fotogal::http {

using Handler = std::function<void(Request&, Response&)>;

enum class Lane { api, control };

class Router {
  public:
    void add(std::string method, const std::string& pattern, Handler handler,
             Lane lane = Lane::api);
    void get(const std::string& pattern, Handler h, Lane lane = Lane::api) {
        add("GET", pattern, std::move(h), lane);
    }
    void post(const std::string& pattern, Handler h, Lane lane = Lane::api) {
        add("POST", pattern, std::move(h), lane);
    }

    struct Match {
        const Handler* handler = nullptr;  // null: see status
        Lane lane = Lane::api;
        std::string route;  // the pattern, a bounded label for metrics
        std::vector<std::string> params;
        int status = 404;   // 404 no such path, 405 path known but not the method
        std::string allow;  // for 405 and OPTIONS: the methods the path takes
    };
    Match match(const std::string& method, const std::string& path) const;

  private:
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;
        Handler handler;
        Lane lane;
    };
    std::vector<Route> routes_;
};

}  // namespace fotogal::http
