#include "workers/pipeline/icc_transform.hpp"

#include <lcms2.h>

#include <memory>

namespace fotogal::pipeline {

namespace {

struct ProfileCloser {
    void operator()(void* p) const { cmsCloseProfile(p); }
};
using Profile = std::unique_ptr<void, ProfileCloser>;

struct TransformDeleter {
    void operator()(void* t) const { cmsDeleteTransform(t); }
};
using Transform = std::unique_ptr<void, TransformDeleter>;

bool is_srgb(cmsHPROFILE profile) {
    char description[256] = {};
    cmsGetProfileInfoASCII(profile, cmsInfoDescription, "en", "US", description,
                           sizeof description);
    return std::string_view(description).find("sRGB") != std::string_view::npos;
}

// The lcms2 pixel format of the decoded pixels.
cmsUInt32Number input_format(const cv::Mat& m, const ColourInfo& c) {
    bool wide = m.depth() == CV_16U;
    switch (c.model) {
        case ColourModel::grey:
            if (m.channels() == 2) return wide ? TYPE_GRAYA_16 : TYPE_GRAYA_8;
            return wide ? TYPE_GRAY_16 : TYPE_GRAY_8;
        case ColourModel::cmyk:
            if (wide) return c.cmyk_inverted ? TYPE_CMYK_16_REV : TYPE_CMYK_16;
            return c.cmyk_inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8;
        default:
            if (m.channels() == 4) return wide ? TYPE_BGRA_16 : TYPE_BGRA_8;
            return wide ? TYPE_BGR_16 : TYPE_BGR_8;
    }
}

cmsColorSpaceSignature expected_space(ColourModel model) {
    switch (model) {
        case ColourModel::grey:
            return cmsSigGrayData;
        case ColourModel::cmyk:
            return cmsSigCmykData;
        default:
            return cmsSigRgbData;
    }
}

}  // namespace

IccOutcome icc_to_srgb(const cv::Mat& pixels, const ColourInfo& colour, cv::Mat& out,
                       std::string& problem) {
    const auto& icc = colour.icc_profile;
    Profile in(cmsOpenProfileFromMem(icc.data(), static_cast<cmsUInt32Number>(icc.size())));
    if (!in) {
        problem = "the embedded ICC profile is broken; colours read as sRGB";
        return IccOutcome::unusable;
    }
    if (cmsGetColorSpace(in.get()) != expected_space(colour.model)) {
        problem = "the embedded ICC profile is for another colour space than the pixels; ignored";
        return IccOutcome::unusable;
    }
    if (colour.model == ColourModel::bgr && is_srgb(in.get())) return IccOutcome::already_srgb;
    if (pixels.depth() != CV_8U && pixels.depth() != CV_16U) {
        problem = "ICC conversion of floating-point pixels is not supported; colours read as sRGB";
        return IccOutcome::unusable;
    }

    bool alpha =
        colour.model != ColourModel::cmyk && (pixels.channels() == 2 || pixels.channels() == 4);
    Profile srgb(cmsCreate_sRGBProfile());
    cmsUInt32Number out_format = alpha ? TYPE_BGRA_8 : TYPE_BGR_8;
    // Relative colorimetric where the profile has it; LUT-only profiles (colour-space
    // profiles with just A2B0, the XYB profile of jpegli) support perceptual alone.
    cmsUInt32Number intent =
        cmsIsIntentSupported(in.get(), INTENT_RELATIVE_COLORIMETRIC, LCMS_USED_AS_INPUT)
            ? INTENT_RELATIVE_COLORIMETRIC
            : INTENT_PERCEPTUAL;
    Transform transform(cmsCreateTransform(in.get(), input_format(pixels, colour), srgb.get(),
                                           out_format, intent, alpha ? cmsFLAGS_COPY_ALPHA : 0));
    if (!transform) {
        problem =
            "lcms2 cannot build a transform from the embedded ICC profile; colours read "
            "as sRGB";
        return IccOutcome::unusable;
    }
    out.create(pixels.size(), alpha ? CV_8UC4 : CV_8UC3);
    for (int y = 0; y < pixels.rows; ++y)
        cmsDoTransform(transform.get(), pixels.ptr(y), out.ptr(y),
                       static_cast<cmsUInt32Number>(pixels.cols));
    return IccOutcome::converted;
}

}  // namespace fotogal::pipeline
