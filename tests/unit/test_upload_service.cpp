#include <doctest/doctest.h>

#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "corpus.hpp"
#include "ingest/upload_service.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"

using namespace fotogal;

namespace {

// The bytes as ingest's upload route leaves them: spooled to a file, hashed.
std::unique_ptr<ingest::SpooledUpload> spooled(const std::vector<std::uint8_t>& bytes) {
    auto spool = std::make_unique<ingest::SpooledUpload>(std::filesystem::temp_directory_path());
    spool->append({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    spool->finish();
    return spool;
}

}  // namespace

TEST_CASE("upload service: accepted = original stored and event acknowledged") {
    test::TempDir dir;
    storage::FileStore store(dir.path());
    test::RecordingPublisher publisher;
    ingest::UploadService service(store, publisher, "uploads", {});
    auto bytes = test::read_corpus("photos/exif_gps_DSCN0010.jpg");
    auto outcome = service.accept(*spooled(bytes), {{"album", "holidays"}}, "");
    REQUIRE(std::holds_alternative<ingest::Accepted>(outcome));
    const auto& accepted = std::get<ingest::Accepted>(outcome);
    CHECK(store.get(keys::original(accepted.image_id)) == bytes);
    REQUIRE(publisher.sent.size() == 1);
    const auto& event = publisher.sent[0];
    CHECK(event.topic == "uploads");
    CHECK(event.key == accepted.image_id);
    CHECK(event.value.at("data").at("attributes").at("album") == "holidays");
    CHECK(event.value.at("data").at("width") == 640);
    CHECK(event.value.at("data").at("content_type") == "image/jpeg");
    auto pending = service.lookup(accepted.image_id);
    CHECK(pending.original);
    CHECK_FALSE(pending.manifest);
}

TEST_CASE("upload service: when the broker does not acknowledge, nothing is half-accepted") {
    test::TempDir dir;
    storage::FileStore store(dir.path());
    test::RecordingPublisher publisher;
    publisher.fail_next = 1;
    ingest::UploadService service(store, publisher, "uploads", {});
    auto outcome = service.accept(*spooled(test::read_corpus("formats/bmp24_v5.bmp")), {}, "");
    CHECK(std::holds_alternative<ingest::Unavailable>(outcome));
    // The stored original was removed again: no orphan without an event.
    CHECK(store.list("originals/", "", 10).objects.empty());
}

TEST_CASE("upload service: refusals carry status, code and message, and store nothing") {
    test::TempDir dir;
    storage::FileStore store(dir.path());
    test::RecordingPublisher publisher;
    ingest::UploadService service(store, publisher, "uploads", {});
    auto outcome =
        service.accept(*spooled(test::read_corpus("bad/bomb_png_16384x16384.png")), {}, "");
    REQUIRE(std::holds_alternative<ingest::ApiError>(outcome));
    CHECK(std::get<ingest::ApiError>(outcome).status == 422);
    std::map<std::string, std::string> too_many;
    for (int i = 0; i < 40; ++i) too_many["k" + std::to_string(i)] = "v";
    outcome = service.accept(*spooled(test::read_corpus("formats/bmp24_v5.bmp")), too_many, "");
    REQUIRE(std::holds_alternative<ingest::ApiError>(outcome));
    CHECK(std::get<ingest::ApiError>(outcome).status == 400);
    CHECK(publisher.sent.empty());
    CHECK(store.list("", "", 10).objects.empty());
}
