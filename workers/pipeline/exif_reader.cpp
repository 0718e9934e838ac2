#include "workers/pipeline/exif_reader.hpp"

#include <libexif/exif-data.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fotogal::pipeline {

namespace {

struct ExifDataDeleter {
    void operator()(ExifData* d) const { exif_data_unref(d); }
};

// TIFF files are EXIF all through; past this size we do not copy one just to read tags.
constexpr std::size_t kMaxExifBytes = 4 * 1024 * 1024;

// Tags libexif 0.6 has no names for (EXIF 2.31).
constexpr auto kOffsetTimeOriginal = static_cast<ExifTag>(0x9011);

class Reader {
  public:
    explicit Reader(ExifData* data) : data_(data), order_(exif_data_get_byte_order(data)) {}

    ExifEntry* entry(ExifIfd ifd, int tag) const {
        return data_->ifd[ifd] ? exif_content_get_entry(data_->ifd[ifd], static_cast<ExifTag>(tag))
                               : nullptr;
    }

    std::string text(ExifIfd ifd, int tag) const {
        ExifEntry* e = entry(ifd, tag);
        if (!e || e->format != EXIF_FORMAT_ASCII || !e->data || e->size == 0) return {};
        std::string t(reinterpret_cast<const char*>(e->data), e->size);
        t = t.substr(0, t.find('\0'));
        while (!t.empty() && (t.back() == ' ')) t.pop_back();
        // Only printable text reaches the manifest (JSON must stay valid UTF-8).
        for (char& c : t)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
                c = '?';
        return t;
    }

    // Component `i` of a RATIONAL, SRATIONAL, SHORT or LONG entry as a number.
    std::optional<double> number(ExifIfd ifd, int tag, unsigned i = 0) const {
        ExifEntry* e = entry(ifd, tag);
        if (!e || !e->data || i >= e->components) return std::nullopt;
        unsigned size = exif_format_get_size(e->format);
        if (size == 0 || (i + 1) * size > e->size) return std::nullopt;
        const unsigned char* p = e->data + i * size;
        switch (e->format) {
            case EXIF_FORMAT_RATIONAL: {
                ExifRational r = exif_get_rational(p, order_);
                if (r.denominator == 0) return std::nullopt;
                return static_cast<double>(r.numerator) / r.denominator;
            }
            case EXIF_FORMAT_SRATIONAL: {
                ExifSRational r = exif_get_srational(p, order_);
                if (r.denominator == 0) return std::nullopt;
                return static_cast<double>(r.numerator) / r.denominator;
            }
            case EXIF_FORMAT_SHORT:
                return exif_get_short(p, order_);
            case EXIF_FORMAT_LONG:
                return exif_get_long(p, order_);
            case EXIF_FORMAT_BYTE:
                return *p;
            default:
                return std::nullopt;
        }
    }

  private:
    ExifData* data_;
    ExifByteOrder order_;
};

double rounded(double v, double unit) {
    return std::round(v / unit) * unit;
}

// "2013:04:01 12:00:00" -> "2013-04-01T12:00:00" (+ the offset when the camera wrote one).
std::string iso_time(const std::string& exif_time, const std::string& offset) {
    if (exif_time.size() < 19 || exif_time[4] != ':' || exif_time[7] != ':' ||
        exif_time.compare(0, 4, "0000") == 0)
        return {};
    std::string t = exif_time.substr(0, 19);
    t[4] = '-';
    t[7] = '-';
    t[10] = 'T';
    if (offset.size() == 6 && (offset[0] == '+' || offset[0] == '-')) t += offset;
    return t;
}

// Degrees, minutes, seconds and the N/S or E/W reference -> signed decimal degrees.
std::optional<double> coordinate(const Reader& r, int value_tag, int ref_tag, char negative,
                                 double limit) {
    auto d = r.number(EXIF_IFD_GPS, value_tag, 0), m = r.number(EXIF_IFD_GPS, value_tag, 1),
         s = r.number(EXIF_IFD_GPS, value_tag, 2);
    if (!d || !m || !s) return std::nullopt;
    double value = *d + *m / 60 + *s / 3600;
    if (value > limit) return std::nullopt;
    std::string ref = r.text(EXIF_IFD_GPS, ref_tag);
    if (!ref.empty() && ref[0] == negative) value = -value;
    return rounded(value, 1e-7);
}

nlohmann::json camera_facts(const Reader& r) {
    nlohmann::json facts = nlohmann::json::object();
    nlohmann::json camera = nlohmann::json::object();
    if (auto make = r.text(EXIF_IFD_0, EXIF_TAG_MAKE); !make.empty()) camera["make"] = make;
    if (auto model = r.text(EXIF_IFD_0, EXIF_TAG_MODEL); !model.empty()) camera["model"] = model;
    if (!camera.empty()) facts["camera"] = camera;

    std::string taken = iso_time(r.text(EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL),
                                 r.text(EXIF_IFD_EXIF, kOffsetTimeOriginal));
    if (taken.empty()) taken = iso_time(r.text(EXIF_IFD_0, EXIF_TAG_DATE_TIME), "");
    if (!taken.empty()) facts["taken_at"] = taken;

    nlohmann::json exposure = nlohmann::json::object();
    if (auto t = r.number(EXIF_IFD_EXIF, EXIF_TAG_EXPOSURE_TIME); t && *t > 0)
        exposure["exposure_time_s"] = *t;
    if (auto f = r.number(EXIF_IFD_EXIF, EXIF_TAG_FNUMBER); f && *f > 0)
        exposure["f_number"] = rounded(*f, 0.01);
    if (auto iso = r.number(EXIF_IFD_EXIF, EXIF_TAG_ISO_SPEED_RATINGS); iso && *iso > 0)
        exposure["iso"] = static_cast<int>(*iso);
    if (auto fl = r.number(EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH); fl && *fl > 0)
        exposure["focal_length_mm"] = rounded(*fl, 0.01);
    if (!exposure.empty()) facts["exposure"] = exposure;

    auto lat = coordinate(r, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, 'S', 90);
    auto lon = coordinate(r, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, 'W', 180);
    if (lat && lon) {
        nlohmann::json gps = {{"latitude", *lat}, {"longitude", *lon}};
        if (auto alt = r.number(EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE)) {
            auto below = r.number(EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF);
            gps["altitude_m"] = rounded(below && *below == 1 ? -*alt : *alt, 0.01);
        }
        facts["gps"] = gps;
    }
    return facts;
}

}  // namespace

ExifFacts read_exif(std::span<const std::uint8_t> file, const formats::ImageHeader& header) {
    ExifFacts facts;
    if (!header.exif || header.exif->size < 8 || header.exif->size > kMaxExifBytes ||
        header.exif->offset > file.size() || header.exif->size > file.size() - header.exif->offset)
        return facts;
    // libexif wants the APP1 form: "Exif\0\0" then the TIFF structure.
    std::vector<unsigned char> app1(6 + header.exif->size);
    std::memcpy(app1.data(), "Exif\0\0", 6);
    std::memcpy(app1.data() + 6, file.data() + header.exif->offset, header.exif->size);
    std::unique_ptr<ExifData, ExifDataDeleter> data(exif_data_new());
    if (!data) return facts;
    exif_data_unset_option(data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(data.get(), app1.data(), static_cast<unsigned int>(app1.size()));

    if (ExifEntry* e = exif_data_get_entry(data.get(), EXIF_TAG_ORIENTATION);
        e && e->format == EXIF_FORMAT_SHORT && e->components >= 1 && e->size >= 2) {
        int value = exif_get_short(e->data, exif_data_get_byte_order(data.get()));
        facts.orientation = value >= 1 && value <= 8 ? value : 1;
    }
    facts.fields = camera_facts(Reader(data.get()));
    return facts;
}

}  // namespace fotogal::pipeline
