#include "replay/progress_display.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace fotogal::replay {

std::string progress_line(const Counts& c, std::uint64_t done, std::optional<std::uint64_t> total,
                          double per_second, int width) {
    std::string line;
    if (total) {
        double fraction = *total == 0 ? 1.0 : std::min(1.0, double(done) / double(*total));
        int filled = static_cast<int>(std::round(fraction * width));
        line = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
        char pct[16];
        std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(fraction * 100));
        line += pct;
        line += "  " + std::to_string(done) + "/" + std::to_string(*total);
    } else {
        line = "scanned " + std::to_string(c.scanned);
    }
    line += "  published " + std::to_string(c.published) + "  skipped " +
            std::to_string(c.skipped) + "  errors " + std::to_string(c.errors);
    line += "  " + std::to_string(static_cast<long long>(per_second)) + "/s";
    return line;
}

ProgressDisplay::ProgressDisplay(bool enabled, std::FILE* out) : enabled_(enabled), out_(out) {}

ProgressDisplay ProgressDisplay::for_stderr() {
    return ProgressDisplay(isatty(STDERR_FILENO) == 1, stderr);
}

ProgressDisplay::~ProgressDisplay() {
    if (enabled_ && drawn_) std::fputc('\n', out_);
}

void ProgressDisplay::draw(const Counts& counts, std::uint64_t done) {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - started_).count();
    double rate = seconds > 0 ? double(done) / seconds : 0;
    // \r and "erase line" so the bar redraws in place.
    std::fprintf(out_, "\r\033[K%s", progress_line(counts, done, total_, rate, 30).c_str());
    std::fflush(out_);
    last_draw_ = now;
    drawn_ = true;
}

void ProgressDisplay::update(const Counts& counts, std::uint64_t done) {
    if (!enabled_) return;
    if (std::chrono::steady_clock::now() - last_draw_ < std::chrono::milliseconds(100)) return;
    draw(counts, done);
}

void ProgressDisplay::finish(const Counts& counts, std::uint64_t done) {
    if (!enabled_) return;
    draw(counts, done);
    std::fputc('\n', out_);
    drawn_ = false;
}

}  // namespace fotogal::replay
