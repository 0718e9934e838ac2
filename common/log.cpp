#include "common/log.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "common/clock.hpp"

namespace fotogal::log {

namespace {

Level threshold() {
    static const Level level = [] {
        const char* env = std::getenv("FOTOGAL_LOG_LEVEL");
        std::string_view v = env ? env : "info";
        if (v == "debug") return Level::debug;
        if (v == "warn") return Level::warn;
        if (v == "error") return Level::error;
        return Level::info;
    }();
    return level;
}

const char* name(Level level) {
    switch (level) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warn:
            return "warn";
        case Level::error:
            return "error";
    }
    return "info";
}

}  // namespace

void write(Level level, std::string_view message, const nlohmann::json& fields) {
    if (level < threshold()) return;
    nlohmann::json line = {{"time", rfc3339_now()}, {"level", name(level)}, {"msg", message}};
    if (fields.is_object()) line.update(fields);
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    // One fwrite per line under a lock, so lines from worker threads never interleave.
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

}  // namespace fotogal::log
