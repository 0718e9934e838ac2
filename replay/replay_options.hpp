// fotogal-replay's settings: the shared FOTOGAL_* catalogue (Kafka, topics, storage) plus the
// run's own (--since, --until, --from-offsets, --backfill, --prefix, --force, --rate,
// --dry-run, --replay-group), read into one checked value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"
#include "replay/offset_spec.hpp"

namespace fotogal::replay {

enum class Mode { stream, backfill };

struct ReplayOptions {
    Mode mode = Mode::stream;
    std::optional<std::int64_t> since_ms;
    std::optional<std::int64_t> until_ms;
    std::optional<OffsetSpec> from_offsets;
    std::string prefix;
    bool force = false;
    bool dry_run = false;
    double rate = 0;  // events per second, 0 = no limit
    std::string group;
    std::string uploads_topic;
    std::string reprocess_topic;
};

std::vector<SettingSpec> replay_settings();

// --force, --dry-run and --backfill are switches: "--force" alone means "--force=true".
// Config reads every flag as "--name value", so bare switches are rewritten first.
std::vector<std::string> expand_switches(int argc, const char* const* argv);

// Throws ConfigError when the combination makes no sense (no mode or two, --prefix without
// --backfill, --until before --since, ...).
ReplayOptions read_options(const Config& config, std::int64_t now_ms);

}  // namespace fotogal::replay
