#include "workers/pipeline/resample.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace fotogal::pipeline {

namespace {

constexpr double kLobes = 3.0;
// Past this factor the kernel would read ever more lines per output line; integer blocks are
// averaged first so that the kernel is left a factor between 2 and 4 (libvips' "gap" of 2).
constexpr double kGap = 2.0;

double lanczos3(double x) {
    x = std::abs(x);
    if (x < 1e-9) return 1.0;
    if (x >= kLobes) return 0.0;
    double px = CV_PI * x;
    return kLobes * std::sin(px) * std::sin(px / kLobes) / (px * px);
}

// For each output line, the input lines it reads (from `first`, `count` of them, clamped at
// the edges as if the picture were extended by copying its border) and their weights, which
// sum to 1. Every output line reads `count` lines, so the inner loops have no bounds to check.
struct Taps {
    int count = 0;
    std::vector<int> first;     // [out], unclamped
    std::vector<int> index;     // [out][count], clamped
    std::vector<float> weight;  // [out][count]
};

// `scale`: input lines per output line. Pixel centres map onto pixel centres.
Taps taps_for(int in, int out, double scale) {
    double stretch = std::max(scale, 1.0);
    Taps t;
    t.count = 2 * int(std::ceil(kLobes * stretch)) + 1;
    t.first.resize(std::size_t(out));
    t.index.resize(std::size_t(out) * t.count);
    t.weight.resize(std::size_t(out) * t.count);
    for (int o = 0; o < out; ++o) {
        double centre = (o + 0.5) * scale - 0.5;
        int first = int(std::floor(centre)) - t.count / 2;
        t.first[std::size_t(o)] = first;
        std::size_t at = std::size_t(o) * t.count;
        double sum = 0.0;
        for (int k = 0; k < t.count; ++k) {
            double w = lanczos3((first + k - centre) / stretch);
            t.index[at + k] = std::clamp(first + k, 0, in - 1);
            t.weight[at + k] = float(w);
            sum += w;
        }
        for (int k = 0; k < t.count; ++k) t.weight[at + k] = float(t.weight[at + k] / sum);
    }
    return t;
}

// The inner loops below are compiled twice, for the baseline x86-64 and for x86-64-v3 (AVX2,
// FMA), and the loader picks one for the CPU it runs on (GCC's target_clones): eight floats per
// instruction where the CPU has them, and the same image as ever on the ones that do not. The
// clone is named by ISA level, not by a CPU: GCC dispatches "arch=haswell" on the CPU model
// being exactly Haswell, so every later CPU would run the baseline.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define FOTOGAL_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define FOTOGAL_VECTOR_CLONES
#endif

template <typename T>
FOTOGAL_VECTOR_CLONES void weigh_row(float* __restrict acc, const T* __restrict row, float w,
                                     int n) {
    for (int i = 0; i < n; ++i) acc[i] = w * float(row[i]);
}

template <typename T>
FOTOGAL_VECTOR_CLONES void add_weighed_row(float* __restrict acc, const T* __restrict row, float w,
                                           int n) {
    for (int i = 0; i < n; ++i) acc[i] += w * float(row[i]);
}

// Four taps in one pass: the sums are read and written once for four rows instead of once
// for each.
template <typename T>
FOTOGAL_VECTOR_CLONES void add_four_weighed_rows(float* __restrict acc, const T* __restrict r0,
                                                 const T* __restrict r1, const T* __restrict r2,
                                                 const T* __restrict r3, const float* w, int n) {
    const float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
    for (int i = 0; i < n; ++i)
        acc[i] += (w0 * float(r0[i]) + w1 * float(r1[i])) + (w2 * float(r2[i]) + w3 * float(r3[i]));
}

// The vertical pass for output row o: the weighted sum of its tapped input rows, into floats,
// a chunk of columns at a time (the chunk's sums stay in the L1 cache while every tap is
// added).
constexpr int kChunk = 1024;

template <typename T>
void filter_column_taps(const cv::Mat& src, int o, const Taps& taps, float* out) {
    const int width = src.cols * src.channels();
    const float* weight = &taps.weight[std::size_t(o) * taps.count];
    const int* index = &taps.index[std::size_t(o) * taps.count];
    for (int from = 0; from < width; from += kChunk) {
        const int n = std::min(kChunk, width - from);
        weigh_row(out + from, src.ptr<T>(index[0]) + from, weight[0], n);
        int k = 1;
        for (; k + 4 <= taps.count; k += 4)
            add_four_weighed_rows(out + from, src.ptr<T>(index[k]) + from,
                                  src.ptr<T>(index[k + 1]) + from, src.ptr<T>(index[k + 2]) + from,
                                  src.ptr<T>(index[k + 3]) + from, weight + k, n);
        for (; k < taps.count; ++k)
            add_weighed_row(out + from, src.ptr<T>(index[k]) + from, weight[k], n);
    }
}

// The horizontal pass reads rows padded with copies of their edge pixels, so every output
// pixel's taps are one contiguous run of `count` pixels.
//
// Grey and grey + alpha (C = 1, 2): a dot product of that run (channels interleaved) with the
// weights repeated per channel, 8 floats at a time (lane l always holds channel l % C).
struct RowTaps {
    int span = 0;                // floats per output pixel, a multiple of 8
    std::vector<int> start;      // [out] first float of the run in the padded row
    std::vector<float> weights;  // [out][span], each tap's weight repeated C times, then zeros
};

constexpr int kBlock = 8;

template <int C>
RowTaps row_taps_for(const Taps& taps, int pad) {
    RowTaps r;
    r.span = (taps.count * C + kBlock - 1) / kBlock * kBlock;
    std::size_t out = taps.first.size();
    r.start.resize(out);
    r.weights.assign(out * std::size_t(r.span), 0.0f);
    for (std::size_t x = 0; x < out; ++x) {
        r.start[x] = (taps.first[x] + pad) * C;
        for (int k = 0; k < taps.count; ++k)
            for (int c = 0; c < C; ++c)
                r.weights[x * std::size_t(r.span) + std::size_t(k * C + c)] =
                    taps.weight[x * std::size_t(taps.count) + std::size_t(k)];
    }
    return r;
}

template <typename Out, int C>
FOTOGAL_VECTOR_CLONES void filter_row(const float* __restrict in, Out* __restrict out, int width,
                                      const int* __restrict start, const float* __restrict weights,
                                      int span) {
    for (int x = 0; x < width; ++x) {
        const float* run = in + start[x];
        const float* weight = weights + std::size_t(x) * std::size_t(span);
        float acc[kBlock] = {};
        for (int b = 0; b < span; b += kBlock)
            for (int l = 0; l < kBlock; ++l) acc[l] += weight[b + l] * run[b + l];
        for (int c = 0; c < C; ++c) {
            float sum = 0.0f;
            for (int l = c; l < kBlock; l += C) sum += acc[l];
            out[std::size_t(x) * C + c] = cv::saturate_cast<Out>(sum);
        }
    }
}

// Colour, with or without alpha (C = 3, 4): a tap is one four-float multiply-add of a pixel
// by its weight, and no sums across lanes are left at the end (they cost more than the taps
// themselves). A three-channel pixel is loaded as four floats, the fourth being the next
// pixel's first channel, which is summed along and never stored; the line's right margin
// keeps that read inside it.
constexpr int kPixelLanes = 4;

// OpenCV's universal intrinsics: one register of four floats on every CPU with 128-bit SIMD
// (SSE2 on any x86-64, NEON on ARM); GCC's auto-vectoriser spreads this loop across taps
// instead and pays in shuffles.
template <typename Out, int C>
void filter_pixels(const float* in, Out* out, int width, const int* first, const float* weights,
                   int count, int pad) {
    for (int x = 0; x < width; ++x) {
        const float* run = in + std::size_t(first[x] + pad) * C;
        const float* weight = weights + std::size_t(x) * std::size_t(count);
        float acc[kPixelLanes] = {};
#if CV_SIMD128
        // Four independent sums: one would wait for each add to finish before the next.
        auto tap = [&](int k, cv::v_float32x4 sum) {
            return cv::v_muladd(cv::v_load(run + k * C), cv::v_setall_f32(weight[k]), sum);
        };
        cv::v_float32x4 s0 = cv::v_setzero_f32(), s1 = s0, s2 = s0, s3 = s0;
        int k = 0;
        for (; k + 4 <= count; k += 4) {
            s0 = tap(k, s0);
            s1 = tap(k + 1, s1);
            s2 = tap(k + 2, s2);
            s3 = tap(k + 3, s3);
        }
        for (; k < count; ++k) s0 = tap(k, s0);
        cv::v_store(acc, (s0 + s1) + (s2 + s3));
#else
        for (int k = 0; k < count; ++k)
            for (int c = 0; c < C; ++c) acc[c] += weight[k] * run[k * C + c];
#endif
        for (int c = 0; c < C; ++c) out[std::size_t(x) * C + c] = cv::saturate_cast<Out>(acc[c]);
    }
}

// Each output row on its own: the vertical pass into a line with margins wide enough for every
// tap of the horizontal pass (and its zero-weighted padding) to read a real pixel, the margins
// filled with copies of the edge pixels, then the horizontal pass into the output. The line
// stays in the cache, and no picture-sized intermediate is allocated.
template <typename In, typename Out, int C>
void reduce_rows(const cv::Mat& src, const Taps& rows, const Taps& cols, cv::Mat& out) {
    constexpr bool per_pixel = C >= 3;
    const int pad = cols.count / 2 + 2;
    const int right = pad + cols.count + 4;
    const RowTaps row_taps = per_pixel ? RowTaps{} : row_taps_for<C>(cols, pad);
    const std::size_t line_floats = std::size_t(pad + src.cols + right) * C;
    cv::parallel_for_(cv::Range(0, out.rows), [&](const cv::Range& range) {
        std::vector<float> line(line_floats);
        float* interior = line.data() + std::size_t(pad) * C;
        for (int y = range.start; y < range.end; ++y) {
            filter_column_taps<In>(src, y, rows, interior);
            for (int p = 0; p < pad; ++p)
                std::copy_n(interior, C, line.data() + std::size_t(p) * C);
            const float* last = interior + std::size_t(src.cols - 1) * C;
            for (int p = 0; p < right; ++p)
                std::copy_n(last, C, interior + std::size_t(src.cols + p) * C);
            if constexpr (per_pixel)
                filter_pixels<Out, C>(line.data(), out.ptr<Out>(y), out.cols, cols.first.data(),
                                      cols.weight.data(), cols.count, pad);
            else
                filter_row<Out, C>(line.data(), out.ptr<Out>(y), out.cols, row_taps.start.data(),
                                   row_taps.weights.data(), row_taps.span);
        }
    });
}

template <typename In, typename Out>
void reduce_rows_any(const cv::Mat& src, const Taps& rows, const Taps& cols, cv::Mat& out) {
    switch (out.channels()) {
        case 1:
            return reduce_rows<In, Out, 1>(src, rows, cols, out);
        case 2:
            return reduce_rows<In, Out, 2>(src, rows, cols, out);
        case 3:
            return reduce_rows<In, Out, 3>(src, rows, cols, out);
        default:
            return reduce_rows<In, Out, 4>(src, rows, cols, out);
    }
}

// Integer blocks averaged: the picture extended by copying its last column and row to whole
// blocks, so the geometry stays exact (the taps below map through the block size).
cv::Mat average_blocks(const cv::Mat& source, int kx, int ky) {
    if (kx == 1 && ky == 1) return source;
    cv::Mat padded = source;
    int right = (kx - source.cols % kx) % kx, bottom = (ky - source.rows % ky) % ky;
    if (right > 0 || bottom > 0)
        cv::copyMakeBorder(source, padded, 0, bottom, 0, right, cv::BORDER_REPLICATE);
    cv::Mat out;
    cv::resize(padded, out, {padded.cols / kx, padded.rows / ky}, 0, 0, cv::INTER_AREA);
    return out;
}

int block_size(int from, int to) {
    return std::max(1, int(std::floor(double(from) / to / kGap)));
}

}  // namespace

cv::Mat reduce(const cv::Mat& source, cv::Size size) {
    if (size == source.size()) return source;
    CV_Assert(!source.empty() && size.width > 0 && size.height > 0 && source.channels() <= 4);
    int kx = block_size(source.cols, size.width), ky = block_size(source.rows, size.height);
    cv::Mat blocks = average_blocks(source, kx, ky);
    Taps rows = taps_for(blocks.rows, size.height, double(source.rows) / size.height / ky);
    Taps cols = taps_for(blocks.cols, size.width, double(source.cols) / size.width / kx);
    cv::Mat out(size, source.type());
    switch (source.depth()) {
        case CV_8U:
            reduce_rows_any<unsigned char, unsigned char>(blocks, rows, cols, out);
            break;
        case CV_16U:
            reduce_rows_any<unsigned short, unsigned short>(blocks, rows, cols, out);
            break;
        default: {
            cv::Mat as_float, reduced(size, CV_32FC(source.channels()));
            blocks.convertTo(as_float, CV_32F);
            reduce_rows_any<float, float>(as_float, rows, cols, reduced);
            reduced.convertTo(out, source.depth());
        }
    }
    return out;
}

}  // namespace fotogal::pipeline
