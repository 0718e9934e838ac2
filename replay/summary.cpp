#include "replay/summary.hpp"

#include <cmath>

namespace fotogal::replay {

nlohmann::json to_json(const Summary& s) {
    return {{"scanned", s.counts.scanned},
            {"published", s.counts.published},
            {"skipped", s.counts.skipped},
            {"errors", s.counts.errors},
            {"mode", s.mode},
            {"dry_run", s.dry_run},
            {"interrupted", s.interrupted},
            {"seconds", std::round(s.seconds * 1000) / 1000}};
}

int exit_code(const Summary& s) {
    if (s.interrupted) return 3;
    if (s.counts.errors > 0) return 2;
    return 0;
}

}  // namespace fotogal::replay
