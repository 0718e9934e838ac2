// Putting a Response on the wire: status line, headers (Content-Length, Date, Connection and
// the request id added here), then the body unless the request was HEAD or the status has none.
#pragma once

#include <string>

#include "common/http/http_message.hpp"

namespace fotogal::http {

std::string reason_phrase(int status);
// The response head and, unless `head_only`, its body, as one buffer.
std::string serialize_response(const Response& res, bool head_only, bool keep_alive,
                               const std::string& request_id);

}  // namespace fotogal::http
