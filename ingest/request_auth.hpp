// Who is asking: the request's Authorization header through the configured Authenticator.
// On refusal the response is filled (401 with WWW-Authenticate, or 403) and nullopt returned.
#pragma once

#include <optional>
#include <string_view>

#include "common/http/http_message.hpp"
#include "ingest/auth/authenticator.hpp"

namespace fotogal::ingest {

std::optional<auth::Principal> authorize(const http::Request& req, http::Response& res,
                                         auth::Authenticator& authenticator,
                                         std::string_view scope);

}  // namespace fotogal::ingest
