// Structured logs: one JSON object per line on stderr with time, level, message and any
// fields (image_id, event_id, ...). FOTOGAL_LOG_LEVEL (debug|info|warn|error) filters.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace fotogal::log {

enum class Level { debug, info, warn, error };

void write(Level level, std::string_view message, const nlohmann::json& fields = {});

inline void debug(std::string_view m, const nlohmann::json& f = {}) {
    write(Level::debug, m, f);
}
inline void info(std::string_view m, const nlohmann::json& f = {}) {
    write(Level::info, m, f);
}
inline void warn(std::string_view m, const nlohmann::json& f = {}) {
    write(Level::warn, m, f);
}
inline void error(std::string_view m, const nlohmann::json& f = {}) {
    write(Level::error, m, f);
}

}  // namespace fotogal::log
