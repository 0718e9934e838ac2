// Thin, tiny and unusual pictures through the whole pipeline: every one ends with renditions
// of at least 1 x 1 pixel inside their boxes, or with a ProcessingError a user can read;
// never with an OpenCV assertion. The images are made here, in memory.
#include <doctest/doctest.h>
#include <zlib.h>

#include <functional>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "workers/pipeline/pipeline.hpp"
#include "workers/pipeline/processing_error.hpp"

using namespace fotogal;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes encode(const std::string& ext, const cv::Mat& m, std::vector<int> params = {}) {
    Bytes out;
    REQUIRE_MESSAGE(cv::imencode(ext, m, out, params), "OpenCV could not write " << ext);
    return out;
}

// A gradient, so resizes and taggers see something other than one flat value.
cv::Mat gradient(int w, int h, int type) {
    cv::Mat m(h, w, type);
    double top = CV_MAT_DEPTH(type) == CV_16U ? 65535 : CV_MAT_DEPTH(type) >= CV_32F ? 1.0 : 255;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double v = top * (x + y) / std::max(1, w + h - 2);
            cv::Scalar s(v, top - v, v / 2, top);
            for (int c = 0; c < m.channels(); ++c) {
                switch (m.depth()) {
                    case CV_8U:
                        m.ptr<uchar>(y)[x * m.channels() + c] = cv::saturate_cast<uchar>(s[c]);
                        break;
                    case CV_16U:
                        m.ptr<ushort>(y)[x * m.channels() + c] = cv::saturate_cast<ushort>(s[c]);
                        break;
                    case CV_32F:
                        m.ptr<float>(y)[x * m.channels() + c] = static_cast<float>(s[c]);
                        break;
                    default:
                        m.ptr<double>(y)[x * m.channels() + c] = s[c];
                }
            }
        }
    return m;
}

void put_u32(Bytes& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}

void chunk(Bytes& png, const char* type, const Bytes& data) {
    put_u32(png, static_cast<std::uint32_t>(data.size()));
    Bytes typed(type, type + 4);
    typed.insert(typed.end(), data.begin(), data.end());
    png.insert(png.end(), typed.begin(), typed.end());
    put_u32(png, static_cast<std::uint32_t>(crc32(0, typed.data(), typed.size())));
}

// A PNG of any colour type OpenCV cannot write (grey + alpha, palette), made by hand:
// `row` gives the raw bytes of each row (filter byte added here).
Bytes hand_png(int w, int h, int depth, int colour_type, const Bytes& palette,
               const std::function<Bytes(int)>& row) {
    Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    Bytes ihdr;
    put_u32(ihdr, static_cast<std::uint32_t>(w));
    put_u32(ihdr, static_cast<std::uint32_t>(h));
    for (int v : {depth, colour_type, 0, 0, 0}) ihdr.push_back(static_cast<std::uint8_t>(v));
    chunk(png, "IHDR", ihdr);
    if (!palette.empty()) chunk(png, "PLTE", palette);
    Bytes raw;
    for (int y = 0; y < h; ++y) {
        raw.push_back(0);
        Bytes r = row(y);
        raw.insert(raw.end(), r.begin(), r.end());
    }
    uLongf size = compressBound(raw.size());
    Bytes packed(size);
    REQUIRE(compress(packed.data(), &size, raw.data(), raw.size()) == Z_OK);
    packed.resize(size);
    chunk(png, "IDAT", packed);
    chunk(png, "IEND", {});
    return png;
}

Bytes grey_alpha_png(int w, int h, int depth) {
    return hand_png(w, h, depth, 4, {}, [&](int y) {
        Bytes r;
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 2 * depth / 8; ++c)
                r.push_back(static_cast<std::uint8_t>(x + y + c * 50));
        return r;
    });
}

Bytes palette_png(int w, int h) {
    Bytes palette;
    for (int i = 0; i < 4; ++i)
        for (int c = 0; c < 3; ++c) palette.push_back(static_cast<std::uint8_t>(i * 60 + c * 20));
    return hand_png(w, h, 8, 3, palette, [&](int y) {
        Bytes r;
        for (int x = 0; x < w; ++x) r.push_back(static_cast<std::uint8_t>((x + y) % 4));
        return r;
    });
}

struct Case {
    std::string name;
    Bytes bytes;
};

std::vector<Case> cases() {
    std::vector<Case> c;
    for (auto [w, h] : {std::pair{10000, 1},
                        {1, 10000},
                        {1, 1},
                        {2, 1},
                        {1, 2},
                        {3000, 2},
                        {20000, 3},
                        {513, 1}}) {
        std::string size = std::to_string(w) + "x" + std::to_string(h);
        c.push_back({"jpeg " + size, encode(".jpg", gradient(w, h, CV_8UC3))});
        c.push_back({"grey jpeg " + size, encode(".jpg", gradient(w, h, CV_8UC1))});
        c.push_back({"png rgba " + size, encode(".png", gradient(w, h, CV_8UC4))});
    }
    c.push_back({"png 16-bit grey 4000x1", encode(".png", gradient(4000, 1, CV_16UC1))});
    c.push_back({"png 16-bit rgba 1x4000", encode(".png", gradient(1, 4000, CV_16UC4))});
    c.push_back({"png 16-bit rgb 2x3", encode(".png", gradient(2, 3, CV_16UC3))});
    c.push_back({"png grey+alpha 5000x1", grey_alpha_png(5000, 1, 8)});
    c.push_back({"png 16-bit grey+alpha 1x3000", grey_alpha_png(1, 3000, 16)});
    c.push_back({"png palette 7000x1", palette_png(7000, 1)});
    c.push_back({"png palette 1x1", palette_png(1, 1)});
    c.push_back({"tiff float 3000x1", encode(".tiff", gradient(3000, 1, CV_32FC3))});
    c.push_back({"tiff float grey 1x3000", encode(".tiff", gradient(1, 3000, CV_32FC1))});
    c.push_back({"tiff double 2500x2", encode(".tiff", gradient(2500, 2, CV_64FC1))});
    c.push_back({"tiff 16-bit rgb 1x2", encode(".tiff", gradient(1, 2, CV_16UC3))});
    c.push_back({"pfm 4000x1", encode(".pfm", gradient(4000, 1, CV_32FC3))});
    c.push_back({"hdr 1x4000", encode(".hdr", gradient(1, 4000, CV_32FC3))});
    c.push_back({"bmp grey 6000x1", encode(".bmp", gradient(6000, 1, CV_8UC1))});
    c.push_back({"bmp 1x1", encode(".bmp", gradient(1, 1, CV_8UC3))});
    c.push_back({"webp 1x5000", encode(".webp", gradient(1, 5000, CV_8UC3))});
    c.push_back({"pgm 16-bit 3000x1", encode(".pgm", gradient(3000, 1, CV_16UC1))});
    return c;
}

}  // namespace

TEST_CASE("extreme geometry: thin, tiny, 16-bit, float, grey, grey+alpha and palette images") {
    pipeline::Recipe recipe = pipeline::default_recipe();
    for (const Case& c : cases()) {
        CAPTURE(c.name);
        pipeline::Job job(c.bytes, recipe);
        try {
            pipeline::run_pipeline(job);
        } catch (const pipeline::ProcessingError& e) {
            FAIL("failed with " << e.code() << ": " << e.what());
            continue;
        }
        REQUIRE(job.outputs.size() == recipe.renditions.size());
        for (std::size_t i = 0; i < job.outputs.size(); ++i) {
            const auto& out = job.outputs[i];
            const auto& spec = *job.renditions[i].spec;
            CAPTURE(out.name);
            CHECK(out.width >= 1);
            CHECK(out.height >= 1);
            CHECK(out.width <= spec.width);
            CHECK(out.height <= spec.height);
            CHECK_FALSE(out.bytes.empty());
            // What was written decodes to the size the manifest gives.
            cv::Mat back = cv::imdecode(cv::Mat(1, int(out.bytes.size()), CV_8U,
                                                const_cast<std::uint8_t*>(out.bytes.data())),
                                        cv::IMREAD_UNCHANGED);
            CHECK(back.cols == out.width);
            CHECK(back.rows == out.height);
        }
    }
}

TEST_CASE("extreme geometry: a 10000 x 1 picture keeps its aspect down to 1-pixel sides") {
    Bytes bytes = encode(".png", gradient(10000, 1, CV_8UC3));
    pipeline::Recipe recipe = pipeline::default_recipe();
    pipeline::Job job(bytes, recipe);
    pipeline::run_pipeline(job);
    for (const auto& out : job.outputs) {
        CAPTURE(out.name);
        if (out.name == "thumb") {
            CHECK(out.width == 256);  // cover never upscales: the box's width, the 1-pixel height
            CHECK(out.height == 1);
        } else {
            CHECK(out.height == 1);
            CHECK(out.width == std::min(10000, std::stoi(out.name == "large"    ? "2048"
                                                         : out.name == "medium" ? "1024"
                                                                                : "512")));
        }
    }
}

TEST_CASE("extreme geometry: an OpenCV error inside a step ends as a ProcessingError") {
    Bytes bytes = encode(".png", gradient(4, 4, CV_8UC3));
    pipeline::Recipe recipe = pipeline::default_recipe();
    pipeline::Job job(bytes, recipe);
    pipeline::Step asserting{"renditions", [](pipeline::Job&) {
                                 cv::Mat empty, out;
                                 cv::resize(empty, out, {0, 0});  // OpenCV asserts on this
                             }};
    try {
        pipeline::run_step(asserting, job);
        FAIL("the OpenCV assertion escaped the step unnoticed");
    } catch (const pipeline::ProcessingError& e) {
        CHECK(e.code() == "image_operation_failed");
        CHECK(std::string(e.what()).find("step renditions") != std::string::npos);
    }
}
