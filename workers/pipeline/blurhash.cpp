#include "workers/pipeline/blurhash.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace fotogal::pipeline {

namespace {

constexpr std::string_view kDigits =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

void append_base83(std::string& out, int value, int digits) {
    int divisor = 1;
    for (int i = 1; i < digits; ++i) divisor *= 83;
    for (; divisor >= 1; divisor /= 83) out += kDigits[(value / divisor) % 83];
}

int read_base83(std::string_view text) {
    int value = 0;
    for (char c : text) {
        auto digit = kDigits.find(c);
        if (digit == std::string_view::npos)
            throw std::invalid_argument(std::string("blurhash: '") + c +
                                        "' is not a base-83 digit");
        value = value * 83 + static_cast<int>(digit);
    }
    return value;
}

double to_linear(double srgb) {  // 0..1
    return srgb <= 0.04045 ? srgb / 12.92 : std::pow((srgb + 0.055) / 1.055, 2.4);
}

int to_srgb_byte(double linear) {
    double v = std::clamp(linear, 0.0, 1.0);
    double s = v <= 0.0031308 ? v * 12.92 : 1.055 * std::pow(v, 1 / 2.4) - 0.055;
    return static_cast<int>(s * 255 + 0.5);
}

double signed_pow(double v, double e) {
    return std::copysign(std::pow(std::abs(v), e), v);
}

using Rgb = std::array<double, 3>;

}  // namespace

std::string blurhash_encode(const cv::Mat& bgr, int nx, int ny) {
    if (bgr.empty() || bgr.type() != CV_8UC3 || nx < 1 || nx > 9 || ny < 1 || ny > 9)
        throw std::invalid_argument("blurhash: needs 8-bit BGR pixels and 1..9 components");
    const int w = bgr.cols, h = bgr.rows;
    std::array<double, 256> linear{};
    for (int i = 0; i < 256; ++i) linear[i] = to_linear(i / 255.0);
    std::vector<Rgb> factors;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            // Basis cos(pi i x / w) cos(pi j y / h), averaged; AC terms count twice.
            std::vector<double> cx(w), cy(h);
            for (int x = 0; x < w; ++x) cx[x] = std::cos(M_PI * i * x / w);
            for (int y = 0; y < h; ++y) cy[y] = std::cos(M_PI * j * y / h);
            Rgb sum{};
            for (int y = 0; y < h; ++y) {
                const auto* row = bgr.ptr<cv::Vec3b>(y);
                for (int x = 0; x < w; ++x) {
                    double basis = cx[x] * cy[y];
                    sum[0] += basis * linear[row[x][2]];
                    sum[1] += basis * linear[row[x][1]];
                    sum[2] += basis * linear[row[x][0]];
                }
            }
            double norm = (i == 0 && j == 0 ? 1.0 : 2.0) / (static_cast<double>(w) * h);
            factors.push_back({sum[0] * norm, sum[1] * norm, sum[2] * norm});
        }
    std::string hash;
    append_base83(hash, (nx - 1) + (ny - 1) * 9, 1);
    double max_ac = 1;
    if (factors.size() > 1) {
        double actual = 0;
        for (std::size_t k = 1; k < factors.size(); ++k)
            for (double c : factors[k]) actual = std::max(actual, std::abs(c));
        int quantised = static_cast<int>(std::clamp(std::floor(actual * 166 - 0.5), 0.0, 82.0));
        max_ac = (quantised + 1) / 166.0;
        append_base83(hash, quantised, 1);
    } else {
        append_base83(hash, 0, 1);
    }
    const Rgb& dc = factors[0];
    append_base83(
        hash, (to_srgb_byte(dc[0]) << 16) + (to_srgb_byte(dc[1]) << 8) + to_srgb_byte(dc[2]), 4);
    for (std::size_t k = 1; k < factors.size(); ++k) {
        int q[3];
        for (int c = 0; c < 3; ++c)
            q[c] = static_cast<int>(std::clamp(
                std::floor(signed_pow(factors[k][c] / max_ac, 0.5) * 9 + 9.5), 0.0, 18.0));
        append_base83(hash, q[0] * 19 * 19 + q[1] * 19 + q[2], 2);
    }
    return hash;
}

cv::Mat blurhash_decode(const std::string& hash, int width, int height) {
    if (hash.size() < 6) throw std::invalid_argument("blurhash: shorter than 6 characters");
    int size_flag = read_base83(hash.substr(0, 1));
    int nx = size_flag % 9 + 1, ny = size_flag / 9 + 1;
    if (hash.size() != static_cast<std::size_t>(4 + 2 * nx * ny))
        throw std::invalid_argument("blurhash: length does not match its component count");
    double max_ac = (read_base83(hash.substr(1, 1)) + 1) / 166.0;
    std::vector<Rgb> colours;
    int dc = read_base83(hash.substr(2, 4));
    colours.push_back({to_linear((dc >> 16) / 255.0), to_linear(((dc >> 8) & 255) / 255.0),
                       to_linear((dc & 255) / 255.0)});
    for (int k = 1; k < nx * ny; ++k) {
        int v = read_base83(hash.substr(4 + 2 * k, 2));
        int q[3] = {v / (19 * 19), (v / 19) % 19, v % 19};
        Rgb c;
        for (int i = 0; i < 3; ++i) c[i] = signed_pow((q[i] - 9) / 9.0, 2.0) * max_ac;
        colours.push_back(c);
    }
    cv::Mat out(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            Rgb px{};
            for (int j = 0; j < ny; ++j)
                for (int i = 0; i < nx; ++i) {
                    double basis = std::cos(M_PI * x * i / width) * std::cos(M_PI * y * j / height);
                    for (int c = 0; c < 3; ++c) px[c] += colours[j * nx + i][c] * basis;
                }
            out.at<cv::Vec3b>(y, x) = {static_cast<uchar>(to_srgb_byte(px[2])),
                                       static_cast<uchar>(to_srgb_byte(px[1])),
                                       static_cast<uchar>(to_srgb_byte(px[0]))};
        }
    return out;
}

}  // namespace fotogal::pipeline
