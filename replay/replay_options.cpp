#include "replay/replay_options.hpp"

#include <array>
#include <string_view>

#include "common/object_keys.hpp"
#include "common/settings.hpp"
#include "replay/rate_limiter.hpp"
#include "replay/time_spec.hpp"

namespace fotogal::replay {

namespace {
constexpr std::array<std::string_view, 3> kSwitches = {"--force", "--dry-run", "--backfill"};

bool is_boolean_word(std::string_view w) {
    for (auto b : {"true", "false", "1", "0", "yes", "no", "on", "off"})
        if (w == b) return true;
    return false;
}
}  // namespace

std::vector<SettingSpec> replay_settings() {
    return settings::join({
        settings::kafka(),
        settings::topics(),
        settings::storage(),
        {
            {"FOTOGAL_SINCE", "",
             "replay the uploads topic from this time: 2026-11-27T10:00:00Z, 2026-11-27, -2h, -7d"},
            {"FOTOGAL_UNTIL", "", "with --since, --from-offsets or --backfill: up to this time"},
            {"FOTOGAL_FROM_OFFSETS", "",
             "replay the uploads topic from offsets: 'earliest' or PARTITION:OFFSET,..."},
            {"FOTOGAL_BACKFILL", "false",
             "switch: list the bucket's originals instead of reading the stream"},
            {"FOTOGAL_PREFIX", std::string(keys::kOriginalsPrefix),
             "with --backfill: the key prefix to list"},
            {"FOTOGAL_FORCE", "false",
             "switch: workers redo images even when their manifest's recipe is current"},
            {"FOTOGAL_RATE", "0",
             "at most this many events per second (500 or 500/s; 0: no limit)"},
            {"FOTOGAL_DRY_RUN", "false", "switch: count what would be published, publish nothing"},
            {"FOTOGAL_REPLAY_GROUP", "fotogal-replay",
             "consumer group the replay reads the uploads topic with (never the workers' group)"},
        },
    });
}

std::vector<std::string> expand_switches(int argc, const char* const* argv) {
    std::vector<std::string> out;
    for (int i = 0; i < argc; ++i) {
        std::string_view arg = argv[i];
        bool is_switch = false;
        for (auto s : kSwitches) is_switch = is_switch || arg == s;
        bool has_value = i + 1 < argc && is_boolean_word(argv[i + 1]);
        out.emplace_back(is_switch && !has_value ? std::string(arg) + "=true" : std::string(arg));
    }
    return out;
}

ReplayOptions read_options(const Config& config, std::int64_t now_ms) {
    ReplayOptions o;
    const std::string& since = config.str("FOTOGAL_SINCE");
    const std::string& until = config.str("FOTOGAL_UNTIL");
    const std::string& offsets = config.str("FOTOGAL_FROM_OFFSETS");
    bool backfill = config.boolean("FOTOGAL_BACKFILL");
    if (!config.positional().empty())
        throw ConfigError("unexpected argument '" + config.positional().front() + "' (see --help)");
    if (!since.empty() && !offsets.empty())
        throw ConfigError("give --since or --from-offsets, not both");
    if (backfill && !offsets.empty())
        throw ConfigError("--from-offsets reads the stream; --backfill lists the bucket");
    if (!backfill && since.empty() && offsets.empty())
        throw ConfigError(
            "say what to replay: --since TIME, --from-offsets earliest|P:O,... or --backfill");
    o.mode = backfill ? Mode::backfill : Mode::stream;
    if (!since.empty()) o.since_ms = parse_time(since, now_ms, "--since");
    if (!until.empty()) o.until_ms = parse_time(until, now_ms, "--until");
    if (o.since_ms && o.until_ms && *o.until_ms < *o.since_ms)
        throw ConfigError("--until is before --since");
    if (!offsets.empty()) o.from_offsets = parse_offset_spec(offsets);
    o.prefix = config.str("FOTOGAL_PREFIX");
    if (!backfill && o.prefix != keys::kOriginalsPrefix)
        throw ConfigError("--prefix only applies to --backfill");
    o.force = config.boolean("FOTOGAL_FORCE");
    o.dry_run = config.boolean("FOTOGAL_DRY_RUN");
    o.rate = parse_rate(config.str("FOTOGAL_RATE"));
    o.group = config.str("FOTOGAL_REPLAY_GROUP");
    if (o.group.empty()) throw ConfigError("FOTOGAL_REPLAY_GROUP must not be empty");
    o.uploads_topic = config.str("FOTOGAL_TOPIC_UPLOADS");
    o.reprocess_topic = config.str("FOTOGAL_TOPIC_REPROCESS");
    return o;
}

}  // namespace fotogal::replay
