// Cross-origin access for browser apps (the Fetch standard's CORS protocol): the configured
// origins may call the API and read its answers; a preflight is answered here. Origins are
// echoed, never '*', and `Vary: Origin` keeps caches from serving one origin's answer to
// another.
#pragma once

#include <string>
#include <vector>

#include "common/http/http_message.hpp"

namespace fotogal::http {

class CorsPolicy {
  public:
    // A comma-separated list of origins ("https://app.example.com"), "*" for any, "" for none.
    explicit CorsPolicy(const std::string& origins = "");

    bool allows(std::string_view origin) const;
    // Adds the CORS headers to an actual response when the request came from an allowed
    // origin.
    void decorate(const Request& req, Response& res) const;
    // True for a preflight (OPTIONS with Origin and Access-Control-Request-Method); fills the
    // answer: 204 with the grants, or 403 for an origin or method that is not allowed.
    bool answer_preflight(const Request& req, const std::string& allow, Response& res) const;

  private:
    bool any_ = false;
    std::vector<std::string> origins_;
};

}  // namespace fotogal::http
