// fotogal-process as a user runs it: outputs and manifests on disk, a JSON summary, the
// exit status, and decompression bombs refused from the header with a small peak RSS.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "corpus.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string process_binary() {
    return std::string(FOTOGAL_BIN_DIR) + "/fotogal-process";
}

fotogal::test::RunResult process(const std::vector<std::string>& files, const fs::path& out) {
    std::vector<std::string> argv{process_binary()};
    for (const auto& f : files) argv.push_back(fotogal::test::corpus_file(f).string());
    argv.insert(argv.end(), {"--out", out.string(), "--json"});
    return fotogal::test::run_program(argv);
}

}  // namespace

TEST_CASE("fotogal-process: renditions and a manifest per file, a JSON summary, exit 0") {
    fotogal::test::TempDir out;
    auto r = process({"photos/exif_gps_DSCN0010.jpg", "formats/gif_hopper.gif"}, out.path());
    CHECK(r.exit_code == 0);
    json summary = json::parse(r.out);
    CHECK(summary.at("processed") == 2);
    CHECK(summary.at("failed") == 0);
    for (const auto& f : summary.at("files")) {
        CHECK(f.at("status") == "processed");
        CHECK(f.at("outputs").size() == 4);
        for (const auto& o : f.at("outputs"))
            CHECK(fs::file_size(o.at("path").get<std::string>()) == o.at("bytes"));
        json manifest = json::parse(fotogal::test::read_file(f.at("manifest").get<std::string>()));
        CHECK(manifest.at("status") == "processed");
        CHECK(manifest.at("recipe_fingerprint") == summary.at("recipe_fingerprint"));
        CHECK(manifest.at("recipe_fingerprint").get<std::string>().size() == 64);
    }
    CHECK(fs::exists(out.path() / "exif_gps_DSCN0010.jpg" / "large.jpg"));
}

TEST_CASE("fotogal-process: a failed file gets a failed manifest and exit status 1") {
    fotogal::test::TempDir out;
    auto r = process({"photos/exif_gps_DSCN0010.jpg", "bad/truncated_10000B.jpg"}, out.path());
    CHECK(r.exit_code == 1);
    json summary = json::parse(r.out);
    CHECK(summary.at("processed") == 1);
    CHECK(summary.at("failed") == 1);
    CHECK(summary.at("files").at(1).at("reason").at("code") == "truncated");
    json manifest = json::parse(
        fotogal::test::read_file(out.path() / "truncated_10000B.jpg" / "manifest.json"));
    CHECK(manifest.at("status") == "failed");
    CHECK(fotogal::test::run_program({process_binary(), "--json"}).exit_code == 2);  // usage
}

TEST_CASE("fotogal-process: bad files among good ones fail alone; the run goes on, exit 1") {
    fotogal::test::TempDir out, inputs;
    // A directory where a file is expected, and a file that does not exist: unreadable.
    fs::create_directories(inputs.path() / "a_folder.jpg");
    std::vector<std::string> argv{
        process_binary(),
        fotogal::test::corpus_file("orientation/Landscape_1.jpg").string(),
        (inputs.path() / "missing.png").string(),
        fotogal::test::corpus_file("bad/truncated_10000B.jpg").string(),
        (inputs.path() / "a_folder.jpg").string(),
        fotogal::test::corpus_file("formats/gif_hopper.gif").string(),
        "--out",
        out.path().string(),
        "--json"};
    auto r = fotogal::test::run_program(argv);
    CHECK(r.exit_code == 1);
    json summary = json::parse(r.out);
    CHECK(summary.at("processed") == 2);
    CHECK(summary.at("failed") == 3);
    const auto& files = summary.at("files");
    REQUIRE(files.size() == 5);
    CHECK(files[0].at("status") == "processed");
    CHECK(files[1].at("reason").at("code") == "unreadable");
    CHECK(files[2].at("reason").at("code") == "truncated");
    CHECK(files[3].at("reason").at("code") == "unreadable");
    CHECK(files[4].at("status") == "processed");  // after three failures, still processed
    for (const char* name : {"missing.png", "a_folder.jpg"}) {
        json manifest = json::parse(fotogal::test::read_file(out.path() / name / "manifest.json"));
        CHECK(manifest.at("status") == "failed");
        CHECK(manifest.at("reason").at("code") == "unreadable");
    }
    CHECK(fs::exists(out.path() / "gif_hopper.gif" / "large.jpg"));
}

TEST_CASE("fotogal-process: an output folder that cannot be written ends the run with exit 2") {
    fotogal::test::TempDir dir;
    std::ofstream(dir.path() / "not_a_folder") << "x";
    auto r = process({"orientation/Landscape_1.jpg"}, dir.path() / "not_a_folder");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());  // no summary claims anything
}

TEST_CASE("fotogal-process: decompression bombs are refused before decoding, in little memory") {
    // Measured the way the kernel sees it (wait4's ru_maxrss), one process per file, against
    // the same program processing a small photo (so the sanitizer build's own overhead, which
    // doubles every figure, cancels out). OpenCV alone decodes the 16384x16384 PNG in 844 MB
    // and the 280 Mpx JPEG in 331 MB.
    fotogal::test::TempDir baseline_out;
    auto baseline = process({"orientation/Landscape_1.jpg"}, baseline_out.path());
    REQUIRE(baseline.exit_code == 0);
    const long limit_kb = baseline.peak_rss_kb + 8 * 1024;  // a bomb costs no more than that
    CAPTURE(baseline.peak_rss_kb);
    for (const char* bomb : {"bad/bomb_png_65536x65536.png", "bad/bomb_png_16384x16384.png",
                             "bad/bomb_bmp_3000000x2000000.bmp", "bad/bomb_gif.gif",
                             "bad/huge_jpeg_20000x14000.jpg"}) {
        CAPTURE(bomb);
        fotogal::test::TempDir out;
        auto r = process({bomb}, out.path());
        CHECK(r.exit_code == 1);
        json summary = json::parse(r.out);
        CHECK(summary.at("files").at(0).at("reason").at("code") == "too_many_pixels");
        CAPTURE(r.peak_rss_kb);
        CHECK(r.peak_rss_kb < limit_kb);
    }
    // The control: a real 99.6 Mpx JPEG just under the limit is decoded, at 2/8 scale, in
    // far less than its 300 MB of full-size pixels.
    fotogal::test::TempDir out;
    auto r = process({"bad/huge_jpeg_9643x10328.jpg"}, out.path());
    CHECK(r.exit_code == 0);
    CAPTURE(r.peak_rss_kb);
    CHECK(r.peak_rss_kb < baseline.peak_rss_kb + 150 * 1024);
}
