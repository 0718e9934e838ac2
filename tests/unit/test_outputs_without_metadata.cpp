// No metadata, above all no GPS position, reaches any rendition in any output format;
// checked by our own reading of the containers and by an independent reader (vipsheader).
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>

#include "pipeline_support.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"

using fotogal::pipeline::OutputFormat;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string vipsheader_all(const std::filesystem::path& file) {
    auto r = fotogal::test::run_program({"vipsheader", "-a", file.string()});
    REQUIRE(r.exit_code == 0);
    return lower(r.out);
}

// The chunk/segment names in front of the pixel data of a JPEG, PNG or WebP file.
std::vector<std::string> container_blocks(const std::vector<std::uint8_t>& d,
                                          const std::string& format) {
    std::vector<std::string> names;
    if (format == "jpeg") {
        for (std::size_t pos = 2; pos + 4 <= d.size() && d[pos] == 0xFF;) {
            int marker = d[pos + 1];
            names.push_back("FF" + std::to_string(marker));
            if (marker == 0xDA) break;
            pos += 2 + (static_cast<std::size_t>(d[pos + 2]) << 8 | d[pos + 3]);
        }
    } else if (format == "png") {
        for (std::size_t pos = 8; pos + 8 <= d.size();) {
            std::size_t len = static_cast<std::size_t>(d[pos]) << 24 | d[pos + 1] << 16 |
                              d[pos + 2] << 8 | d[pos + 3];
            names.emplace_back(d.begin() + pos + 4, d.begin() + pos + 8);
            pos += 12 + len;
        }
    } else {
        for (std::size_t pos = 12; pos + 8 <= d.size();) {
            std::size_t len = d[pos + 4] | d[pos + 5] << 8 | d[pos + 6] << 16 |
                              static_cast<std::size_t>(d[pos + 7]) << 24;
            names.emplace_back(d.begin() + pos, d.begin() + pos + 4);
            pos += 8 + len + (len & 1);
        }
    }
    return names;
}

}  // namespace

TEST_CASE("outputs: no EXIF, GPS, XMP or IPTC in JPEG, WebP or PNG renditions") {
    const char* source = "photos/exif_gps_DSCN0010.jpg";
    // The control: the original does carry a GPS position.
    CHECK(vipsheader_all(fotogal::test::corpus_file(source)).find("gps") != std::string::npos);
    auto recipe = fotogal::pipeline::default_recipe();
    recipe.renditions[0].format = OutputFormat::jpeg;
    recipe.renditions[1].format = OutputFormat::webp;
    recipe.renditions[2].format = OutputFormat::png;
    auto staged = fotogal::test::corpus_through("encode", source, recipe);
    fotogal::test::TempDir dir;
    std::set<std::string> formats;
    for (const auto& o : staged->job->outputs) {
        CAPTURE(o.name);
        formats.insert(o.format);
        auto path = dir.path() / (o.name + "." + o.extension);
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(o.bytes.data()),
                   static_cast<std::streamsize>(o.bytes.size()));
        std::string header = vipsheader_all(path);
        CHECK(header.find("gps") == std::string::npos);
        CHECK(header.find("exif-data") == std::string::npos);
        CHECK(header.find("xmp-data") == std::string::npos);
        CHECK(header.find("iptc-data") == std::string::npos);
        for (const auto& block : container_blocks(o.bytes, o.format)) {
            CAPTURE(block);
            // JPEG APP1 (EXIF/XMP) and APP13 (IPTC); PNG eXIf and text; WebP EXIF and XMP.
            for (const char* banned :
                 {"FF225", "FF237", "eXIf", "tEXt", "iTXt", "zTXt", "EXIF", "XMP "})
                CHECK(block != banned);
        }
    }
    CHECK(formats == std::set<std::string>{"jpeg", "webp", "png"});
}
