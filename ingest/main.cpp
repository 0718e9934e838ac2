// fotogal-ingest: the upload endpoint. Stores originals and publishes upload events.
#include <stop_token>

#include <filesystem>

#include "common/http/http_server.hpp"
#include "common/http/server_settings.hpp"
#include "common/kafka/producer.hpp"
#include "common/log.hpp"
#include "common/program_main.hpp"
#include "common/settings.hpp"
#include "common/shutdown_signal.hpp"
#include "ingest/auth/authenticator.hpp"
#include "ingest/edge_settings.hpp"
#include "ingest/quotas/concurrent_uploads.hpp"
#include "ingest/quotas/inflight_bytes.hpp"
#include "ingest/quotas/rate_limiter.hpp"
#include "ingest/routes.hpp"

using namespace fotogal;

namespace {

std::vector<SettingSpec> ingest_settings() {
    return settings::join({
        settings::kafka(),
        settings::topics(),
        settings::storage(),
        settings::listen("127.0.0.1:8080"),
        http::server_settings(),
        ingest::edge_settings(),
        {{"FOTOGAL_MAX_UPLOAD_BYTES", "52428800", "largest accepted upload in bytes (413 above)"},
         {"FOTOGAL_MAX_PIXELS", "100000000",
          "largest accepted image in pixels, read from the header (422 above)"},
         {"FOTOGAL_PRODUCE_TIMEOUT", "10",
          "seconds to wait for the broker's acknowledgement before answering 503"},
         {"FOTOGAL_SPOOL_DIR", "",
          "directory where upload bodies are buffered on their way to the store (default: the "
          "system's temporary directory)"},
         {"FOTOGAL_CORS_ORIGINS", "",
          "origins (comma-separated, or *) whose browser apps may call the API"}},
    });
}

int run(const Config& config) {
    std::stop_source stop;
    ShutdownSignal signal([&] { stop.request_stop(); });  // before any other thread starts
    auto store =
        storage::open_object_store(config.str("FOTOGAL_STORAGE"), settings::storage_lookup(config));
    kafka::Producer producer(kafka::kafka_settings_from(config),
                             config.seconds("FOTOGAL_PRODUCE_TIMEOUT"));
    ingest::UploadLimits limits{
        static_cast<std::uint64_t>(config.integer("FOTOGAL_MAX_UPLOAD_BYTES")),
        static_cast<std::uint64_t>(config.integer("FOTOGAL_MAX_PIXELS"))};
    ingest::UploadService service(*store, producer, config.str("FOTOGAL_TOPIC_UPLOADS"), limits);
    http::HttpServer http(
        config.str("FOTOGAL_LISTEN"), [&] { return producer.connected(); },
        http::limits_from(config));
    http.set_cors(http::CorsPolicy(config.str("FOTOGAL_CORS_ORIGINS")));
    std::filesystem::path spool_dir = config.str("FOTOGAL_SPOOL_DIR").empty()
                                          ? std::filesystem::temp_directory_path()
                                          : std::filesystem::path(config.str("FOTOGAL_SPOOL_DIR"));
    auto authenticator = ingest::auth::make_authenticator(ingest::auth_settings_from(config));
    ingest::quotas::RateLimiter rates(ingest::rate_limits_from(config));
    ingest::quotas::InflightBytes inflight(
        static_cast<std::uint64_t>(config.integer("FOTOGAL_MAX_INFLIGHT_BYTES")));
    ingest::PresignCache presigned(
        std::chrono::duration_cast<std::chrono::seconds>(config.seconds("FOTOGAL_PRESIGN_TTL")));
    ingest::quotas::ConcurrentUploads concurrent(
        static_cast<std::size_t>(config.integer("FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL")));
    ingest::Edge edge{service, spool_dir, *authenticator,
                      rates,   inflight,  concurrent,
                      *store,  presigned, ingest::upload_url_policy_from(config)};
    if (!edge.upload_urls.signer.shared() && edge.upload_urls.mode != ingest::UploadUrlMode::off)
        log::warn(
            "ingest's own upload URLs are signed with a key of this process only; set "
            "FOTOGAL_UPLOAD_URL_SECRET when several replicas serve one address");
    ingest::add_routes(http.routes(), edge);
    http.start();
    log::info("ingest ready", {{"listen_port", http.port()},
                               {"storage", store->describe()},
                               {"auth", config.str("FOTOGAL_AUTH")},
                               {"topic", config.str("FOTOGAL_TOPIC_UPLOADS")}});
    wait_for_stop(stop.get_token());
    http.stop();
    log::info("ingest stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return program_main("fotogal-ingest", ingest_settings(), argc, argv, run);
}
