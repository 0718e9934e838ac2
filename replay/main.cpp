// fotogal-replay: republishes images as reprocess events, from the uploads topic (--since,
// --from-offsets) or from the bucket (--backfill), for the reprocess workers to redo what
// is stale. Prints a JSON summary on stdout; exit 0 done, 1 could not start, 2 done with
// errors, 3 interrupted (docs/replay.md).
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "common/clock.hpp"
#include "common/kafka/partition_reader.hpp"
#include "common/log.hpp"
#include "common/program_main.hpp"
#include "common/shutdown_signal.hpp"
#include "common/storage/object_store.hpp"
#include "replay/bucket_backfill.hpp"
#include "replay/replay_options.hpp"
#include "replay/stream_replay.hpp"

using namespace fotogal;
using namespace fotogal::replay;

namespace {

std::string source_name() {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return std::string("/fotogal/replay/") + buf;
}

int run(const Config& config) {
    std::stop_source stop;
    ShutdownSignal signal([&] { stop.request_stop(); });
    ReplayOptions o = read_options(config, unix_millis_now());
    auto kafka_settings = kafka::kafka_settings_from(config);
    auto started = std::chrono::steady_clock::now();

    std::unique_ptr<ReprocessSink> sink;
    if (o.dry_run)
        sink = std::make_unique<CountingSink>();
    else
        sink = std::make_unique<KafkaSink>(kafka_settings, o.reprocess_topic);
    RateLimiter rate(o.rate);
    ProgressDisplay progress = ProgressDisplay::for_stderr();

    Summary summary;
    summary.dry_run = o.dry_run;
    if (o.mode == Mode::backfill) {
        summary.mode = "backfill";
        auto store = storage::open_object_store(config.str("FOTOGAL_STORAGE"));
        log::info("backfill starting", {{"storage", store->describe()}, {"prefix", o.prefix}});
        BackfillSettings s{o.prefix, o.since_ms, o.until_ms, o.force, o.dry_run, source_name()};
        summary.counts = backfill_bucket(*store, *sink, rate, progress, s, stop.get_token());
    } else {
        summary.mode = "stream";
        log::info("replay starting", {{"topic", o.uploads_topic}, {"group", o.group}});
        kafka::PartitionReader reader(kafka_settings, o.group);
        StreamReplaySettings s{o.uploads_topic, o.since_ms, o.until_ms,   o.from_offsets,
                               o.force,         o.dry_run,  source_name()};
        summary.counts = replay_stream(reader, *sink, rate, progress, s, stop.get_token());
    }
    summary.interrupted = stop.stop_requested();
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << to_json(summary).dump() << std::endl;
    log::info("replay finished", to_json(summary));
    return exit_code(summary);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args = expand_switches(argc, argv);
    std::vector<const char*> pointers;
    for (const auto& a : args) pointers.push_back(a.c_str());
    return program_main("fotogal-replay", replay_settings(), static_cast<int>(pointers.size()),
                        pointers.data(), run);
}
