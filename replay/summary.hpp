// What a replay or backfill did, counted as it runs, and the JSON line printed at the end:
// {"scanned","published","skipped","errors",...}.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace fotogal::replay {

struct Counts {
    std::uint64_t scanned = 0;    // records read (stream) or objects listed (bucket)
    std::uint64_t published = 0;  // reprocess events acknowledged (or, dry run, that would be)
    std::uint64_t skipped = 0;    // read but not republished (see docs/replay.md)
    std::uint64_t errors = 0;     // events not delivered, records not readable
};

struct Summary {
    std::string mode;  // "stream" or "backfill"
    bool dry_run = false;
    bool interrupted = false;
    double seconds = 0;
    Counts counts;
};

nlohmann::json to_json(const Summary& summary);

// Exit status: 0 all done, 2 done with errors, 3 interrupted (1 is "could not start").
int exit_code(const Summary& summary);

}  // namespace fotogal::replay
