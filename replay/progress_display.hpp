// A one-line progress bar on stderr, redrawn at most ten times a second, shown only when
// stderr is a terminal (logs and pipes get the JSON log lines and the summary instead).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "replay/summary.hpp"

namespace fotogal::replay {

// The line for `done` of `total` (unknown for a bucket listing), e.g.
// "[########............]  40%  800/2000  published 790  skipped 10  errors 0  1200/s".
std::string progress_line(const Counts& counts, std::uint64_t done,
                          std::optional<std::uint64_t> total, double per_second, int width);

class ProgressDisplay {
  public:
    // `enabled` false draws nothing; for_stderr() decides by isatty.
    ProgressDisplay(bool enabled, std::FILE* out);
    static ProgressDisplay for_stderr();
    ~ProgressDisplay();

    void set_total(std::optional<std::uint64_t> total) { total_ = total; }
    // Redraws when the last draw is older than 100 ms.
    void update(const Counts& counts, std::uint64_t done);
    // Draws the final state and moves to a new line.
    void finish(const Counts& counts, std::uint64_t done);

  private:
    void draw(const Counts& counts, std::uint64_t done);
    bool enabled_;
    std::FILE* out_;
    std::optional<std::uint64_t> total_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_draw_{};
    bool drawn_ = false;
};

}  // namespace fotogal::replay
