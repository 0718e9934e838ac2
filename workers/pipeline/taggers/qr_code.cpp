// QR codes: the text of every QR code found and decoded in the analysis picture, as a list
// (empty when there is none).
#include <opencv2/objdetect.hpp>
#include <opencv2/wechat_qrcode.hpp>

#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

void run(Job& job, const nlohmann::json&) {
    // Debian builds OpenCV without quirc, so objdetect's QRCodeDetector finds codes but
    // cannot decode them; WeChat's detector (contrib) decodes with its own ZXing port. Its CNN
    // models are optional: without them it uses the classic detector.
    nlohmann::json codes = nlohmann::json::array();
    try {
        // Most photos have no code: objdetect's finder-pattern search says so in a few
        // milliseconds, the full decoder costs far more and only runs when it found one.
        std::vector<cv::Point2f> corners;
        if (!cv::QRCodeDetector().detect(job.analysis, corners)) {
            job.tags["qr_code"] = std::move(codes);
            return;
        }
        cv::wechat_qrcode::WeChatQRCode detector;
        for (const std::string& text : detector.detectAndDecode(job.analysis))
            if (!text.empty()) codes.push_back(text);
    } catch (const cv::Exception&) {
        // A detector failure on odd pixels means "no readable code", not a failed image.
    }
    job.tags["qr_code"] = std::move(codes);
}

}  // namespace

const Tagger qr_code{"qr_code", "{}", run};

}  // namespace fotogal::pipeline::taggers
