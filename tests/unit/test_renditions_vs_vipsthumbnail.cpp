// Every fit rendition of every photo against the vipsthumbnail oracle (libvips' own
// shrink-on-load + Lanczos3 reduction) made at exactly our size: SSIM at least 0.97 and at
// least as crisp, the variance of the Laplacian no more than 5 %
// below libvips'. The pixels are compared before encoding, so JPEG's own loss (the encode step's
// business) does not count.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "image_compare.hpp"
#include "pipeline_support.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

// libvips at `size` exactly ("!": each axis scaled on its own, at most half a pixel off the
// aspect), so no resize of either side stands between the two pictures compared.
cv::Mat vipsthumbnail(const fs::path& file, cv::Size size, const fs::path& out) {
    std::string box = std::to_string(size.width) + "x" + std::to_string(size.height) + "!";
    auto r =
        fotogal::test::run_program({"vipsthumbnail", file.string(), "-s", box, "-o", out.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, "vipsthumbnail failed on " << file);
    return cv::imread(out.string(), cv::IMREAD_COLOR);
}

struct Worst {
    double value = 1e9;
    std::string where;
    void offer(double v, const std::string& at) {
        if (v < value) value = v, where = at;
    }
};

}  // namespace

TEST_CASE("renditions: every fit rendition of every photo is as crisp as vipsthumbnail's") {
    Worst ssim, sharpness;
    double sharpness_sum = 0;
    int compared = 0;
    std::vector<fs::path> photos;
    for (const auto& e : fs::directory_iterator(fotogal::test::corpus_dir() / "photos"))
        photos.push_back(e.path());
    std::sort(photos.begin(), photos.end());
    REQUIRE(photos.size() >= 30);
    for (const auto& photo : photos) {
        CAPTURE(photo.filename().string());
        auto staged = fotogal::test::run_through("renditions", fotogal::test::read_file(photo));
        fotogal::test::TempDir dir;
        for (const auto& rendition : staged->job->renditions) {
            std::string name = rendition.spec->name;
            CAPTURE(name);
            const cv::Mat& mine = rendition.pixels;
            cv::Mat theirs = vipsthumbnail(photo, mine.size(), dir.path() / (name + ".png"));
            REQUIRE_FALSE(theirs.empty());
            REQUIRE(theirs.size() == mine.size());
            double s = fotogal::test::ssim(mine, theirs);
            double ratio =
                fotogal::test::laplacian_variance(mine) / fotogal::test::laplacian_variance(theirs);
            CAPTURE(s);
            CAPTURE(ratio);
            CHECK(s >= 0.97);
            CHECK(ratio >= 0.95);
            std::string at = photo.filename().string() + " " + name;
            ssim.offer(s, at);
            sharpness.offer(ratio, at);
            sharpness_sum += ratio;
            ++compared;
        }
    }
    MESSAGE("compared " << compared << " renditions; lowest SSIM " << ssim.value << " ("
                        << ssim.where << "); lowest sharpness vs libvips " << sharpness.value
                        << " (" << sharpness.where << "), mean "
                        << sharpness_sum / std::max(compared, 1));
    CHECK(compared >= 90);
}
