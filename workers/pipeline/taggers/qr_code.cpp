// QR codes: the text of every QR code found and decoded in the analysis picture, as a list
// (empty when there is none).
#include <zbar.h>

#include <memory>
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

struct ScannerFree {
    void operator()(zbar::zbar_image_scanner_t* s) const { zbar::zbar_image_scanner_destroy(s); }
};
struct ImageFree {
    void operator()(zbar::zbar_image_t* i) const { zbar::zbar_image_destroy(i); }
};

// zbar (a small C library) reads the codes: Debian's OpenCV has no QR decoder of its own
// (built without quirc), and the contrib module that has one pulls a desktop stack.
nlohmann::json decode_all(const cv::Mat& grey) {
    nlohmann::json codes = nlohmann::json::array();
    std::unique_ptr<zbar::zbar_image_scanner_t, ScannerFree> scanner(
        zbar::zbar_image_scanner_create());
    std::unique_ptr<zbar::zbar_image_t, ImageFree> image(zbar::zbar_image_create());
    if (!scanner || !image) return codes;
    zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
    zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE, 1);
    zbar::zbar_image_set_format(image.get(), zbar_fourcc('Y', '8', '0', '0'));
    zbar::zbar_image_set_size(image.get(), static_cast<unsigned>(grey.cols),
                              static_cast<unsigned>(grey.rows));
    // The picture stays ours: no cleanup handler, and it outlives the zbar image.
    zbar::zbar_image_set_data(image.get(), grey.data, grey.total(), nullptr);
    if (zbar::zbar_scan_image(scanner.get(), image.get()) <= 0) return codes;
    for (const zbar::zbar_symbol_t* symbol = zbar::zbar_image_first_symbol(image.get()); symbol;
         symbol = zbar::zbar_symbol_next(symbol)) {
        if (zbar::zbar_symbol_get_type(symbol) != zbar::ZBAR_QRCODE) continue;
        std::string text(zbar::zbar_symbol_get_data(symbol),
                         zbar::zbar_symbol_get_data_length(symbol));
        if (!text.empty()) codes.push_back(text);
    }
    return codes;
}

// No objdetect finder-pattern pre-check: on an analysis-sized picture zbar's whole scan costs
// less than QRCodeDetector::detect alone, so the pre-check would only add time.
void run(Job& job, const nlohmann::json&) {
    cv::Mat grey = job.analysis;
    if (grey.channels() == 3) cv::cvtColor(grey, grey, cv::COLOR_BGR2GRAY);
    if (grey.channels() == 4) cv::cvtColor(grey, grey, cv::COLOR_BGRA2GRAY);
    if (!grey.isContinuous()) grey = grey.clone();
    job.tags["qr_code"] = grey.empty() ? nlohmann::json::array() : decode_all(grey);
}

}  // namespace

const Tagger qr_code{"qr_code", "{}", run};

}  // namespace fotogal::pipeline::taggers
