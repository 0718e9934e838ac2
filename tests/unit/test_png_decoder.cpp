// The PNG decoder (libpng directly): the same pixels OpenCV's imread gave, and allocation caps
// that keep hostile ancillary chunks from costing memory.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "decoder_oracle.hpp"
#include "pipeline_support.hpp"
#include "png_craft.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"
#include "workers/pipeline/decoders/icc_chunks.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fs = std::filesystem;
using fotogal::formats::ImageFormat;
using fotogal::pipeline::ColourModel;
using fotogal::pipeline::decode_png;
using fotogal::pipeline::ProcessingError;
using fotogal::test::ByteVector;
using fotogal::test::png_1x1;
using fotogal::test::png_chunk;

namespace {

std::string failure(const ByteVector& png) {
    try {
        decode_png(png, {0, 0, 100'000'000});
    } catch (const ProcessingError& e) {
        return e.code();
    }
    return "";
}

// Chunks that libpng would read into memory of their declared length, or inflate.
const char* const kAncillary[] = {"tEXt", "zTXt", "iTXt", "sPLT", "pCAL", "sCAL",
                                  "iCCP", "eXIf", "hIST", "bKGD", "vpAg"};

ByteVector text_bomb(const std::string& type, std::size_t inflated_bytes) {
    ByteVector data{'C', 'o', 'm', 'm', 'e', 'n', 't', 0, 0};  // keyword, NUL, method
    if (type == "iTXt") data.insert(data.end(), {0, 0});       // then flag, method, tags
    auto z = fotogal::test::zlib_zeros(inflated_bytes);
    data.insert(data.end(), z.begin(), z.end());
    return png_chunk(type, data);
}

ByteVector iccp_bomb(std::size_t inflated_bytes) {
    ByteVector data{'p', 0, 0};  // profile name, NUL, method
    auto z = fotogal::test::zlib_zeros(inflated_bytes);
    data.insert(data.end(), z.begin(), z.end());
    return png_chunk("iCCP", data);
}

}  // namespace

TEST_CASE("png decoder: every corpus PNG decodes to exactly what OpenCV's imread gives") {
    for (const char* f :
         {"formats/png16_grey_alpha.png", "formats/png16_grey_interlaced_basi0g16.png",
          "formats/png16_rgb_vips_sample.png", "formats/png16_rgba_basn6a16.png",
          "formats/png1_bw_hopper.png", "formats/png8_grey_alpha.png",
          "formats/png8_grey_bricks.png", "formats/png8_interlaced_basi2c08.png",
          "formats/png8_palette_indexed.png", "formats/png8_palette_trns.png",
          "formats/png8_rgb_hibiscus.png", "formats/png8_rgba.png",
          "formats/png8_rgba_transparent.png", "formats/png_exif_chunk.png", "formats/png_iccp.png",
          "faces/fr_32bit.png", "bad/bomb_png_text_chunk.png"}) {
        CAPTURE(f);
        auto decoded = fotogal::test::decode_corpus(ImageFormat::png, f);
        CHECK(fotogal::test::max_diff_from_opencv(decoded.pixels, f) == 0.0);
    }
}

TEST_CASE("png decoder: layout as the pipeline reads it: grey, grey + alpha, 16-bit, palette") {
    auto grey_alpha = fotogal::test::decode_corpus(ImageFormat::png, "formats/png8_grey_alpha.png");
    CHECK(grey_alpha.colour.model == ColourModel::grey);
    CHECK(grey_alpha.colour.has_alpha);
    CHECK(grey_alpha.pixels.type() == CV_8UC2);
    auto rgba16 = fotogal::test::decode_corpus(ImageFormat::png, "formats/png16_rgba_basn6a16.png");
    CHECK(rgba16.pixels.type() == CV_16UC4);
    CHECK(rgba16.colour.model == ColourModel::bgr);
    auto trns = fotogal::test::decode_corpus(ImageFormat::png, "formats/png8_palette_trns.png");
    CHECK(trns.pixels.type() == CV_8UC4);  // tRNS became alpha
    CHECK(trns.colour.has_alpha);
    auto bw = fotogal::test::decode_corpus(ImageFormat::png, "formats/png1_bw_hopper.png");
    CHECK(bw.pixels.type() == CV_8UC1);
    auto icc = fotogal::test::decode_corpus(ImageFormat::png, "formats/png_iccp.png");
    CHECK(icc.colour.icc_profile.size() > 128);
    // Channel order is BGR: the crafted pixel is r=10, g=200, b=30.
    auto one = decode_png(png_1x1(), {0, 0, 0});
    CHECK(one.pixels.at<cv::Vec3b>(0, 0) == cv::Vec3b(30, 200, 10));
}

TEST_CASE("png decoder: cut-off and corrupt files fail with a reason") {
    CHECK(fotogal::test::failure_code("decode", "bad/truncated_image.png") == "truncated");
    CHECK(fotogal::test::failure_code("decode", "bad/truncated_interlaced.png") == "truncated");
    CHECK(fotogal::test::failure_code("decode", "bad/broken_data_stream.png") == "undecodable");
    ByteVector png = png_1x1();
    png.resize(png.size() - 20);  // into the IDAT chunk
    CHECK(failure(png) == "truncated");
    ByteVector corrupt = png_1x1();
    corrupt[19] = 100;  // IHDR width 100 (its CRC is now wrong: a critical chunk's is checked)
    try {
        decode_png(corrupt, {0, 0, 0});
        FAIL("a corrupt IHDR must not decode");
    } catch (const ProcessingError& e) {
        CHECK(e.code() == "undecodable");
        CHECK(std::string(e.what()).find("libpng") == 0);
    }
}

TEST_CASE("png decoder: a picture over max_pixels is refused before its rows are read") {
    ByteVector png = fotogal::test::read_corpus("formats/png8_rgb_hibiscus.png");  // 312x442
    try {
        decode_png(png, {0, 0, 312 * 441});
        FAIL("over the limit");
    } catch (const ProcessingError& e) {
        CHECK(e.code() == "too_many_pixels");
    }
    CHECK(decode_png(png, {0, 0, 312 * 442}).pixels.cols == 312);
}

TEST_CASE("png decoder: ancillary chunks that declare huge lengths fail or are skipped") {
    for (std::string type : kAncillary) {
        CAPTURE(type);
        // Before the pixels: skipped unread (never allocated), until the file runs out.
        for (std::uint32_t declared : {0x7FFFFFF0u, 7'000'000u}) {
            CAPTURE(declared);
            ByteVector lying = png_chunk(type, ByteVector(16, 'x'), declared);
            CHECK(failure(png_1x1(lying)) == "truncated");
        }
        // After the pixels: never read at all; the picture is whole.
        auto after =
            decode_png(png_1x1({}, png_chunk(type, ByteVector(16, 'x'), 0x7FFFFFF0u)), {0, 0, 0});
        CHECK(after.pixels.at<cv::Vec3b>(0, 0) == cv::Vec3b(30, 200, 10));
    }
    // Text chunks whose compressed payload inflates 1000:1 are not inflated: the 1x1 picture.
    for (std::string type : {"zTXt", "iTXt"}) {
        CAPTURE(type);
        auto decoded = decode_png(png_1x1(text_bomb(type, 64u << 20)), {0, 0, 0});
        CHECK(decoded.pixels.at<cv::Vec3b>(0, 0) == cv::Vec3b(30, 200, 10));
    }
    // Thousands of small chunks (libpng would keep each sPLT): skipped one by one.
    ByteVector many;
    for (int i = 0; i < 5000; ++i) {
        auto c = png_chunk("sPLT", {'p', 0, 8, 1, 2, 3, 4, 0, 1});
        many.insert(many.end(), c.begin(), c.end());
    }
    CHECK(decode_png(png_1x1(many), {0, 0, 0}).pixels.cols == 1);
}

TEST_CASE("png decoder: hostile chunks cost a worker no more memory than a 1x1 picture") {
    // One fotogal-process run per file, peak RSS as the kernel measures it (wait4), against
    // the same program on a plain 1x1 PNG: the sanitizer build's overhead cancels out.
    fotogal::test::TempDir dir;
    auto write = [&](const std::string& name, const ByteVector& bytes) {
        fs::path p = dir.path() / name;
        std::ofstream(p, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()),
                   static_cast<std::streamsize>(bytes.size()));
        return p.string();
    };
    auto run = [&](const std::string& file) {
        fotogal::test::TempDir out;
        return fotogal::test::run_program({std::string(FOTOGAL_BIN_DIR) + "/fotogal-process", file,
                                           "--out", out.path().string(), "--json"});
    };
    // Every file is written first: the parent's own memory at fork time counts in a child's
    // ru_maxrss, so it must be the same for the baseline and the hostile files.
    std::string plain = write("plain.png", png_1x1());
    std::vector<std::string> files{fotogal::test::corpus_file("bad/bomb_png_text_chunk.png")};
    for (std::string type : kAncillary)
        files.push_back(write("lying_" + type + ".png",
                              png_1x1(png_chunk(type, ByteVector(16, 'x'), 0x7FFFFFF0u))));
    files.push_back(write("ztxt_bomb.png", png_1x1(text_bomb("zTXt", 256u << 20))));
    files.push_back(write("itxt_bomb.png", png_1x1(text_bomb("iTXt", 256u << 20))));
    // An ICC profile inflating to 256 MB: our reader stops at its cap and reads no profile.
    files.push_back(write("iccp_bomb.png", png_1x1(iccp_bomb(256u << 20))));
    auto baseline = run(plain);
    REQUIRE(baseline.exit_code == 0);
    const long limit_kb = baseline.peak_rss_kb + 24 * 1024;
    CAPTURE(baseline.peak_rss_kb);
    for (const auto& file : files) {
        CAPTURE(file);
        auto r = run(file);
        CHECK((r.exit_code == 0 || r.exit_code == 1));  // processed or failed, never a crash
        auto summary = nlohmann::json::parse(r.out);
        CHECK(summary.at("files").size() == 1);
        CAPTURE(r.peak_rss_kb);
        CHECK(r.peak_rss_kb < limit_kb);
    }
}

TEST_CASE("png iCCP: the profile is inflated to the size it states, never beyond") {
    // A stream of 64 MB whose first bytes state a 1000-byte profile: 1000 bytes come out.
    ByteVector stated(64u << 20, 0);
    stated[2] = 0x03;  // size 0x000003E8 = 1000, big-endian
    stated[3] = 0xE8;
    ByteVector chunk_data{'p', 0, 0};
    auto z = fotogal::test::zlib_compress(stated);
    chunk_data.insert(chunk_data.end(), z.begin(), z.end());
    stated = {};
    auto png = png_1x1(png_chunk("iCCP", chunk_data));
    CHECK(fotogal::pipeline::png_icc_profile(png).size() == 1000);
    // Zeros state size 0: no profile, nothing allocated for it.
    CHECK(fotogal::pipeline::png_icc_profile(png_1x1(iccp_bomb(64u << 20))).empty());
    // A real profile comes out whole: its stated size is its length.
    auto real =
        fotogal::pipeline::png_icc_profile(fotogal::test::read_corpus("formats/png_iccp.png"));
    REQUIRE(real.size() > 128);
    CHECK((std::size_t{real[0]} << 24 | std::size_t{real[1]} << 16 | std::size_t{real[2]} << 8 |
           real[3]) == real.size());
}
