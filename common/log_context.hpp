// The fields every log line about one piece of work carries (image_id, event_id, trace_id),
// held by the work itself and passed down with it, so a call site adds only what is its own
// and no line about an image can miss its trace id.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/log.hpp"

namespace fotogal::trace {
struct TraceContext;
}

namespace fotogal::log {

class Context {
  public:
    Context() = default;
    // Context({{"image_id", id}, ...}): the fields as an object.
    explicit Context(nlohmann::json::initializer_list_t fields);

    // A copy with `more` fields (or these replaced).
    Context with(const nlohmann::json& more) const;
    // A copy with trace_id (and span_id) of `trace`; unchanged when `trace` is not valid.
    Context with_trace(const trace::TraceContext& trace) const;

    const nlohmann::json& fields() const { return fields_; }

    // A line with the context's fields and then the call site's own.
    void write(Level level, std::string_view message, const nlohmann::json& more = {}) const;
    void debug(std::string_view m, const nlohmann::json& f = {}) const {
        write(Level::debug, m, f);
    }
    void info(std::string_view m, const nlohmann::json& f = {}) const { write(Level::info, m, f); }
    void warn(std::string_view m, const nlohmann::json& f = {}) const { write(Level::warn, m, f); }
    void error(std::string_view m, const nlohmann::json& f = {}) const {
        write(Level::error, m, f);
    }

  private:
    nlohmann::json fields_ = nlohmann::json::object();
};

}  // namespace fotogal::log
