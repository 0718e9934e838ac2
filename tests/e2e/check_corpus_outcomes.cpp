// Checks what the end-to-end run (corpus_e2e.py) did with every corpus file: readable images
// processed with the right rendition sizes and upright, unreadable ones failed with a stated
// reason, hostile ones refused cleanly, no metadata in any rendition.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <string>

#include "corpus.hpp"
#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/recipe.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v) throw std::runtime_error(std::string(name) + " is not set (run via corpus_e2e.py)");
    return v;
}

// Results keyed by "folder__file", as corpus_e2e.py named the uploads.
const std::map<std::string, json>& results() {
    static const std::map<std::string, json> by_name = [] {
        json doc = json::parse(fotogal::test::read_file(env("FOTOGAL_E2E_RESULTS")));
        std::map<std::string, json> out;
        for (const auto& r : doc.at("images"))
            out[fs::path(r.at("file").get<std::string>()).filename().string()] = r;
        return out;
    }();
    return by_name;
}

fs::path storage() {
    return env("FOTOGAL_E2E_STORAGE");
}

// Files our decoders cannot turn into a usable picture, and the reason code we expect.
const std::map<std::string, std::string> kExpectedFailures = {
    // OpenCV 4.6 reads no animated WebP.
    {"formats__webp_animated.webp", "undecodable"},
    // Its primary image stops 12 bytes into the scan: OpenCV would return a grey picture.
    {"formats__jpeg_ultrahdr_gainmap.jpg", "truncated"},
};

// Files in bad/ that are whole, decodable pictures, so processing them is the right outcome;
// everything else in bad/ must be refused.
const std::set<std::string> kProcessedInBad = {
    // Valid images whose names lie about the format: we sniff the bytes, not the name.
    "bad__wrongext-jpeg-named.png", "bad__wrongext-webp-named.jpg", "bad__looks-like-svg.webp",
    // A valid 1x1 PNG whose zTXt chunks inflate 1000:1; OpenCV never inflates text chunks.
    "bad__bomb_png_text_chunk.png",
    // Broke image-rs's WebP decoder; libwebp decodes it fine (100x30).
    "bad__fuzz_panic.webp",
    // SOF and DHT in unusual order: legal, libjpeg decodes the whole picture.
    "bad__sof_dht_swap.jpeg",
    // Entropy data damaged partway but complete to its end marker: libjpeg recovers and
    // returns the whole frame; the manifest lists its warnings ("warnings").
    "bad__corrupted_olympus.jpg",
    // A valid 99.6 Mpx JPEG, just under the default 100 Mpx limit: shrink-on-load decodes it
    // at 1/4 scale (about 19 MB of pixels instead of 300 MB).
    "bad__huge_jpeg_9643x10328.jpg"};

std::vector<std::string> corpus_names(const std::string& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(fotogal::test::corpus_dir() / folder))
        names.push_back(folder + "__" + entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

fs::path corpus_path(const std::string& name) {
    auto split = name.find("__");
    return fotogal::test::corpus_dir() / name.substr(0, split) / name.substr(split + 2);
}

cv::Mat rendition(const json& result, const std::string& rendition_name) {
    for (const auto& r : result.at("renditions"))
        if (r.at("name") == rendition_name)
            return cv::imread((storage() / r.at("key").get<std::string>()).string(),
                              cv::IMREAD_COLOR);
    return {};
}

// Mean absolute difference per channel value (0..255) of two same-sized pictures.
double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    cv::Scalar m = cv::mean(diff);
    return (m[0] + m[1] + m[2]) / 3.0;
}

// The marker codes of a JPEG's segments up to its first scan (where metadata lives).
std::vector<int> jpeg_markers_before_scan(const std::vector<std::uint8_t>& d) {
    std::vector<int> markers;
    std::size_t pos = 2;
    while (pos + 4 <= d.size() && d[pos] == 0xFF) {
        int marker = d[pos + 1];
        markers.push_back(marker);
        if (marker == 0xDA) break;
        pos += 2 + (static_cast<std::size_t>(d[pos + 2]) << 8 | d[pos + 3]);
    }
    return markers;
}

void check_processed_sizes(const std::string& name) {
    const json& r = results().at(name);
    REQUIRE_MESSAGE(r.at("status") == "processed", name << ": " << r.dump());
    // The oracle: OpenCV's own reading of the file (imread applies EXIF orientation to JPEG).
    cv::Mat original = cv::imread(corpus_path(name).string(), cv::IMREAD_COLOR);
    // Some variants (32-bit float TIFF) only load unconverted; they carry no orientation.
    if (original.empty()) original = cv::imread(corpus_path(name).string(), cv::IMREAD_UNCHANGED);
    // GIF, HEIC, AVIF and RGB-type Sun raster, which OpenCV cannot read (our giflib,
    // libheif and Sun raster decoders can): their sizes as libvips reports them.
    static const std::map<std::string, cv::Size> kSizesOpenCvCannotRead = {
        {"formats__gif_animated.gif", {245, 245}},
        {"formats__gif_hopper.gif", {128, 128}},
        {"formats__gif_photo_hibiscus.gif", {312, 442}},
        {"formats__gif_transparent.gif", {100, 100}},
        {"formats__heic_unsupported.heic", {256, 256}},
        {"formats__avif_unsupported.avif", {128, 128}},
        // A Sun raster of the RGB type, which OpenCV refused; our decoder reads it.
        {"formats__sunraster.ras", {128, 128}}};
    if (original.empty() && kSizesOpenCvCannotRead.count(name))
        original = cv::Mat(kSizesOpenCvCannotRead.at(name), CV_8UC3);
    REQUIRE_FALSE(original.empty());
    auto recipe = fotogal::pipeline::default_recipe();
    REQUIRE(r.at("renditions").size() == recipe.renditions.size());
    for (const auto& spec : recipe.renditions) {
        CAPTURE(spec.name);
        cv::Size expected = fotogal::pipeline::rendition_size(spec, original.cols, original.rows);
        json manifest_entry;
        for (const auto& out : r.at("renditions"))
            if (out.at("name") == spec.name) manifest_entry = out;
        REQUIRE_FALSE(manifest_entry.is_null());
        CHECK(manifest_entry.at("width") == expected.width);
        CHECK(manifest_entry.at("height") == expected.height);
        cv::Mat stored = rendition(r, spec.name);
        REQUIRE_FALSE(stored.empty());
        CHECK(stored.cols == expected.width);
        CHECK(stored.rows == expected.height);
    }
}

}  // namespace

TEST_CASE("every corpus file has an outcome and the run left no file unaccounted") {
    for (const char* folder : {"photos", "orientation", "faces", "formats", "bad"})
        for (const auto& name : corpus_names(folder)) {
            CAPTURE(name);
            REQUIRE(results().count(name) == 1);
            std::string status = results().at(name).at("status");
            CHECK((status == "processed" || status == "failed" || status == "rejected"));
        }
}

TEST_CASE("readable images are processed with the recipe's rendition sizes") {
    for (const char* folder : {"photos", "orientation", "faces", "formats"})
        for (const auto& name : corpus_names(folder)) {
            if (kExpectedFailures.count(name)) continue;
            CAPTURE(name);
            check_processed_sizes(name);
        }
    for (const auto& name : kProcessedInBad) {
        CAPTURE(name);
        check_processed_sizes(name);
    }
}

TEST_CASE("formats no decoder can read fail with a stated reason") {
    for (const auto& [name, code] : kExpectedFailures) {
        CAPTURE(name);
        const json& r = results().at(name);
        REQUIRE(r.at("status") == "failed");
        CHECK(r.at("reason").at("code") == code);
        CHECK_FALSE(r.at("reason").at("message").get<std::string>().empty());
        CHECK(r.at("renditions").empty());
    }
}

TEST_CASE("hostile files get a 4xx JSON error or a failed manifest") {
    for (const auto& name : corpus_names("bad")) {
        if (kProcessedInBad.count(name)) continue;
        CAPTURE(name);
        const json& r = results().at(name);
        if (r.at("status") == "rejected") {
            CHECK(r.at("http_status").get<int>() >= 400);
            CHECK(r.at("http_status").get<int>() < 500);
            CHECK_FALSE(r.at("error").at("code").get<std::string>().empty());
            CHECK_FALSE(r.at("error").at("message").get<std::string>().empty());
        } else {
            REQUIRE(r.at("status") == "failed");
            CHECK_FALSE(r.at("reason").at("message").get<std::string>().empty());
        }
    }
    for (const char* bomb : {"bad__bomb_png_65536x65536.png", "bad__bomb_png_16384x16384.png",
                             "bad__bomb_bmp_3000000x2000000.bmp", "bad__bomb_gif.gif",
                             "bad__huge_jpeg_20000x14000.jpg"}) {
        CAPTURE(bomb);
        CHECK(results().at(bomb).at("http_status") == 422);
        CHECK(results().at(bomb).at("error").at("code") == "too_many_pixels");
    }
}

TEST_CASE("every EXIF orientation comes out upright") {
    for (std::string kind : {"Landscape", "Portrait"}) {
        const json& reference = results().at("orientation__" + kind + "_1.jpg");
        for (int n : {0, 2, 3, 4, 5, 6, 7, 8}) {
            std::string name = "orientation__" + kind + "_" + std::to_string(n) + ".jpg";
            CAPTURE(name);
            for (const char* rendition_name : {"large", "medium", "small", "thumb"}) {
                CAPTURE(rendition_name);
                cv::Mat expected = rendition(reference, rendition_name);
                cv::Mat actual = rendition(results().at(name), rendition_name);
                REQUIRE_FALSE(expected.empty());
                REQUIRE(actual.size() == expected.size());
                if (std::string(rendition_name) == "thumb") {
                    // The smart crop may sit a little differently on two encodings of the
                    // same photo: the thumbnail must match some window of the upright
                    // reference picture at the thumbnail's scale.
                    cv::Mat small = rendition(reference, "small"), scaled;
                    double f = std::max(256.0 / small.cols, 256.0 / small.rows);
                    cv::resize(small, scaled,
                               {int(std::lround(small.cols * f)), int(std::lround(small.rows * f))},
                               0, 0, cv::INTER_AREA);
                    double best = 1e9;
                    for (int x = 0; x + actual.cols <= scaled.cols; ++x)
                        for (int y = 0; y + actual.rows <= scaled.rows; ++y)
                            best = std::min(best,
                                            mean_abs_diff(actual, scaled(cv::Rect(x, y, actual.cols,
                                                                                  actual.rows))));
                    // Resampled from another size, so a looser bound; a mirrored picture is
                    // far above it (see the check on medium below).
                    CHECK(best < 9.0);
                    continue;
                }
                CHECK(mean_abs_diff(actual, expected) < 6.0);
            }
        }
        // The bound above must tell a wrong orientation apart: a mirrored picture is far off.
        cv::Mat upright = rendition(reference, "medium"), mirrored;
        cv::flip(upright, mirrored, 1);
        CHECK(mean_abs_diff(upright, mirrored) > 18.0);
    }
}

TEST_CASE("renditions carry no metadata: no EXIF, no GPS") {
    for (const auto& name : corpus_names("photos")) {
        CAPTURE(name);
        for (const auto& r : results().at(name).at("renditions")) {
            auto bytes = fotogal::test::read_file(storage() / r.at("key").get<std::string>());
            auto markers = jpeg_markers_before_scan(bytes);
            REQUIRE_FALSE(markers.empty());
            for (int m : markers) {
                CAPTURE(m);
                // APP1 holds EXIF (and with it GPS) or XMP; APP13 holds IPTC.
                CHECK(m != 0xE1);
                CHECK(m != 0xED);
            }
        }
    }
}
