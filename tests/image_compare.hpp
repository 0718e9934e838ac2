// Picture comparisons for tests against an oracle (vips, vipsthumbnail): SSIM, sharpness
// (Laplacian variance) and the mean CIE76 colour difference, on 8-bit BGR pictures.
#pragma once

#include <opencv2/imgproc.hpp>

namespace fotogal::test {

// Structural similarity (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5) of the luma.
inline double ssim(const cv::Mat& a_bgr, const cv::Mat& b_bgr) {
    cv::Mat a, b;
    cv::cvtColor(a_bgr, a, cv::COLOR_BGR2GRAY);
    cv::cvtColor(b_bgr, b, cv::COLOR_BGR2GRAY);
    a.convertTo(a, CV_64F);
    b.convertTo(b, CV_64F);
    const double c1 = 6.5025, c2 = 58.5225;  // (0.01 * 255)^2, (0.03 * 255)^2
    auto blur = [](const cv::Mat& m) {
        cv::Mat out;
        cv::GaussianBlur(m, out, cv::Size(11, 11), 1.5);
        return out;
    };
    cv::Mat mu_a = blur(a), mu_b = blur(b);
    cv::Mat mu_a2 = mu_a.mul(mu_a), mu_b2 = mu_b.mul(mu_b), mu_ab = mu_a.mul(mu_b);
    cv::Mat s_a = blur(a.mul(a)) - mu_a2, s_b = blur(b.mul(b)) - mu_b2,
            s_ab = blur(a.mul(b)) - mu_ab;
    cv::Mat num = (2 * mu_ab + c1).mul(2 * s_ab + c2);
    cv::Mat den = (mu_a2 + mu_b2 + c1).mul(s_a + s_b + c2);
    cv::Mat map;
    cv::divide(num, den, map);
    return cv::mean(map)[0];
}

// Sharpness as the variance of the luma's Laplacian (Pech-Pacheco et al. 2000): fine texture
// and crisp edges raise it, blur lowers it. Compare it between pictures of the same size only.
inline double laplacian_variance(const cv::Mat& bgr) {
    cv::Mat grey, lap;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::Laplacian(grey, lap, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    return stddev[0] * stddev[0];
}

// Mean CIE76 delta E between two sRGB pictures (about 2.3 is a just noticeable difference).
inline double mean_delta_e(const cv::Mat& a_bgr, const cv::Mat& b_bgr) {
    cv::Mat a, b;
    a_bgr.convertTo(a, CV_32F, 1.0 / 255);
    b_bgr.convertTo(b, CV_32F, 1.0 / 255);
    cv::cvtColor(a, a, cv::COLOR_BGR2Lab);
    cv::cvtColor(b, b, cv::COLOR_BGR2Lab);
    cv::Mat diff = a - b, sq;
    cv::multiply(diff, diff, sq);
    std::vector<cv::Mat> planes;
    cv::split(sq, planes);
    cv::Mat de;
    cv::sqrt(planes[0] + planes[1] + planes[2], de);
    return cv::mean(de)[0];
}

}  // namespace fotogal::test
