#include "workers/pipeline/exif_reader.hpp"

#include <libexif/exif-data.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace fotogal::pipeline {

namespace {

struct ExifDataDeleter {
    void operator()(ExifData* d) const { exif_data_unref(d); }
};

// TIFF files are EXIF all through; past this size we do not copy one just to read tags.
constexpr std::size_t kMaxExifBytes = 4 * 1024 * 1024;

std::string entry_text(ExifData* data, ExifTag tag) {
    ExifEntry* entry = exif_data_get_entry(data, tag);
    if (!entry) return {};
    char buf[256] = {};
    exif_entry_get_value(entry, buf, sizeof buf);
    std::string text(buf);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
    return text;
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
    const std::pair<ExifTag, const char*> fields[] = {
        {EXIF_TAG_MAKE, "make"},
        {EXIF_TAG_MODEL, "model"},
        {EXIF_TAG_DATE_TIME_ORIGINAL, "taken_at"},
        {EXIF_TAG_EXPOSURE_TIME, "exposure_time"},
        {EXIF_TAG_FNUMBER, "f_number"},
        {EXIF_TAG_ISO_SPEED_RATINGS, "iso"},
        {EXIF_TAG_FOCAL_LENGTH, "focal_length"},
    };
    for (const auto& [tag, name] : fields)
        if (std::string v = entry_text(data.get(), tag); !v.empty()) facts.fields[name] = v;
    return facts;
}

}  // namespace fotogal::pipeline
