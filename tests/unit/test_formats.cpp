// Format sniffing and header probes against the real corpus (sizes copied by hand from
// SOURCES.md into the tables below) and against small hand-built headers for the cases
// the corpus lacks.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "../corpus.hpp"
#include "common/formats/image_header.hpp"

namespace {

using fotogal::formats::ImageFormat;
using fotogal::formats::ImageHeader;
using fotogal::formats::InvalidHeader;
using fotogal::formats::probe_header;
using fotogal::formats::sniff_format;
using Buffer = std::vector<std::uint8_t>;

// A line ending in '/' names the folder of the entries after it. Each entry is a file name,
// then "<format> <W>x<H>", "none" (no signature matched) or "invalid" (throws).
constexpr std::string_view kCorpusTable = R"(
photos/
mei_Issue_266.jpg jpeg 5760x3840   mei_Leica_T_Typ_701.jpg jpeg 4928x3264
mei_Canon_Powershot_A2500.JPG jpeg 4608x3456   mei_Oppo_R7_Plus.jpg jpeg 3120x4160
mei_Canon_EOS_20D_2.jpg jpeg 2336x3504   mei_Nikon_D60.jpg jpeg 3064x2379
mei_Kodak_PIXPRO_S-1.jpg jpeg 4640x3480   mei_Nikon_D90.jpg jpeg 4288x2848
exif_HMD_Nokia_8.3_5G.jpg jpeg 4608x1976   exif_gps_DSCN0010.jpg jpeg 640x480
orientation/
Landscape_0.jpg jpeg 1800x1200   Landscape_1.jpg jpeg 1800x1200   Landscape_2.jpg jpeg 1800x1200
Landscape_3.jpg jpeg 1800x1200   Landscape_4.jpg jpeg 1800x1200   Landscape_5.jpg jpeg 1200x1800
Landscape_6.jpg jpeg 1200x1800   Landscape_7.jpg jpeg 1200x1800   Landscape_8.jpg jpeg 1200x1800
Portrait_0.jpg jpeg 1200x1800   Portrait_1.jpg jpeg 1200x1800   Portrait_2.jpg jpeg 1200x1800
Portrait_3.jpg jpeg 1200x1800   Portrait_4.jpg jpeg 1200x1800   Portrait_5.jpg jpeg 1800x1200
Portrait_6.jpg jpeg 1800x1200   Portrait_7.jpg jpeg 1800x1200   Portrait_8.jpg jpeg 1800x1200
faces/
dlib_group_2007_007763.jpg jpeg 500x375   dlib_group_2008_004176.jpg jpeg 480x438
dlib_group_2008_007676.jpg jpeg 500x334   dlib_three_2008_002506.jpg jpeg 500x375
dlib_bald_guys.jpg jpeg 1986x1545   fr_two_people.jpg jpeg 1126x661
fr_obama_and_biden.jpg jpeg 2000x1428   fr_kit_with_rose.jpg jpeg 501x700
fr_obama.jpg jpeg 910x1137   fr_32bit.png png 626x1200
formats/
png16_rgb_vips_sample.png png 290x442   png16_grey_alpha.png png 109x96
png16_rgba_basn6a16.png png 32x32   png16_grey_interlaced_basi0g16.png png 32x32
png8_palette_indexed.png png 290x442   png8_palette_trns.png png 300x225
png8_rgba.png png 128x128   png8_rgba_transparent.png png 200x150
png8_grey_bricks.png png 160x120   png8_grey_alpha.png png 400x300   png1_bw_hopper.png png 500x500
png8_interlaced_basi2c08.png png 32x32   png_iccp.png png 57x57   png_exif_chunk.png png 512x512
png8_rgb_hibiscus.png png 312x442
webp_lossy_flower.webp webp 480x360   webp_lossy_1024.webp webp 1024x772
webp_lossless_hibiscus.webp webp 312x442   webp_alpha_transparent.webp webp 200x150
webp_lossy_alpha.webp webp 100x100   webp_animated.webp webp 200x200
webp_exif_orientation_6.webp webp 128x128
tiff_rgb_uncompressed.tif tiff 128x128   tiff_rgb_lzw.tif tiff 128x128
tiff_rgb_deflate.tiff tiff 312x442   tiff_rgb_jpeg.tif tiff 128x128   tiff16_rgb.tif tiff 290x442
tiff_cmyk_jpeg.tif tiff 100x100   tiff_multipage.tiff tiff 10x10   tiff_g4_bilevel.tif tiff 128x128
tiff_tiled_planar_lzw.tiff tiff 278x374   tiff_bigtiff.tif tiff 128x128
tiff_float32_rgb.tiff tiff 32x32   tiff_exif_BSG1.tiff tiff 635x348
bmp24_v5.bmp bmp 128x128   bmp8_palette.bmp bmp 127x64   bmp4_rle.bmp bmp 127x64
bmp16_565.bmp bmp 127x64   bmp32_rgba.bmp bmp 127x64   bmp8_os2.bmp bmp 127x64
bmp32_topdown.bmp bmp 16x12
gif_hopper.gif gif 128x128   gif_transparent.gif gif 100x100   gif_animated.gif gif 245x245
gif_photo_hibiscus.gif gif 312x442
jpeg_progressive.jpg jpeg 650x470   jpeg_progressive_peacock.jpeg jpeg 100x75
jpeg_cmyk_adobe.jpg jpeg 100x100   jpeg_cmyk_swop_icc.jpg jpeg 500x333
jpeg_cmyk_orientation.jpg jpeg 800x533   jpeg_icc_adobergb.jpg jpeg 290x442
jpeg_icc_big_multisegment.jpg jpeg 425x250   jpeg_grey.jpg jpeg 128x128
jpeg_grey_icc.jpg jpeg 400x267   jpeg_sampling_weird.jpeg jpeg 100x75
jpeg_xyb_icc.jpg jpeg 290x442   jpeg_ultrahdr_gainmap.jpg jpeg 1512x2688
jpeg_mpo_stereo.mpo jpeg 640x480
ppm_p6_peacock.ppm pnm 100x75   pgm_p5_16bit.pgm pnm 128x128   pbm_p4_1bit.pbm pnm 128x128
pfm_float.pfm pfm 128x128   sunraster.ras sunras 128x128   radiance.hdr hdr 128x85
jpeg2000.jp2 jp2 800x400   avif_unsupported.avif avif 128x128   heic_unsupported.heic heic 256x256
)";

constexpr std::string_view kBadTable = R"(
bad/
zero-byte.jpg none   one-byte.jpg none   bytes-0-255.jpg none   gzip-data.png none
broken_80B.png none   negative_size.ppm invalid   corrupt_header.jpg invalid
wrongext-jpeg-named.png jpeg 36x28   wrongext-webp-named.jpg webp 312x442
looks-like-svg.webp webp 256x256   corrupted_olympus.jpg jpeg 3648x2736
truncated_10000B.jpg jpeg 2725x2225   truncated_progressive.jpg jpeg 100x100
truncated_image.png png 640x480   truncated_interlaced.png png 36x28
broken_data_stream.png png 128x128   bomb_png_65536x65536.png png 65536x65536
bomb_png_16384x16384.png png 16384x16384   bomb_png_text_chunk.png png 1x1
bomb_gif.gif gif 65535x66601   bomb_bmp_3000000x2000000.bmp bmp 3000000x2000000
huge_jpeg_20000x14000.jpg jpeg 20000x14000   huge_jpeg_9643x10328.jpg jpeg 9643x10328
fuzz_oss-fuzz-36829.jpeg jpeg 3x62728   fuzz_panic.webp webp 100x30
fuzz_crash-0c7e0e8e.tif tiff 480x360   fuzz_libtiff_segfault.tif tiff 65535x900
fuzz_oom-225817ca.tif tiff 10x8   fuzz_rle8_row_overflow.bmp bmp 128x128
sof_dht_swap.jpeg jpeg 36x28
)";

struct Row {
    std::string path;
    std::string expected;  // what describe() returns, or "invalid"
};

std::vector<Row> parse_table(std::string_view table) {
    std::vector<Row> rows;
    std::istringstream in{std::string(table)};
    std::string folder, token, size;
    while (in >> token) {
        if (token.back() == '/') {
            folder = token;
            continue;
        }
        Row row{folder + token, ""};
        in >> row.expected;
        if (row.expected != "none" && row.expected != "invalid" && in >> size) {
            row.expected += " " + size;
        }
        rows.push_back(row);
    }
    return rows;
}

// "png 128x128", or "none" for nullopt: the form the tables use.
std::string describe(const std::optional<ImageHeader>& h) {
    if (!h) return "none";
    return std::string(fotogal::formats::format_name(h->format)) + " " + std::to_string(h->width) +
           "x" + std::to_string(h->height);
}

// The InvalidHeader message, or a marker when something else happened.
std::string error_of(std::span<const std::uint8_t> bytes) {
    try {
        const auto h = probe_header(bytes);
        return "<no exception: " + describe(h) + ">";
    } catch (const InvalidHeader& e) {
        return e.what();
    }
}

Buffer corpus(const std::string& relative) {
    return fotogal::test::read_corpus(relative);
}

Buffer text(std::string_view s) {
    return Buffer(s.begin(), s.end());
}

// `n` bytes of `v`, big- or little-endian.
Buffer be(std::uint64_t v, int n) {
    Buffer b;
    for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return b;
}
Buffer le(std::uint64_t v, int n) {
    Buffer b = be(v, n);
    return Buffer(b.rbegin(), b.rend());
}

Buffer concat(std::initializer_list<Buffer> parts) {
    Buffer out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Buffer box(std::string_view type, const Buffer& payload) {
    return concat({be(payload.size() + 8, 4), text(type), payload});
}

bool starts_with_tiff_header(const Buffer& bytes, const fotogal::formats::ByteRange& range) {
    if (range.size < 8) return false;
    const std::string_view magic(reinterpret_cast<const char*>(&bytes[range.offset]), 4);
    return magic == std::string_view("II*\0", 4) || magic == std::string_view("MM\0*", 4);
}

}  // namespace

TEST_CASE("corpus images probe to the format and size SOURCES.md states") {
    for (const Row& row : parse_table(kCorpusTable)) {
        CAPTURE(row.path);
        const Buffer bytes = corpus(row.path);
        const auto h = probe_header(bytes);
        CHECK(describe(h) == row.expected);
        if (h) CHECK(sniff_format(bytes) == h->format);
    }
}

TEST_CASE("the tables cover every file of orientation/, formats/ and bad/") {
    const auto count = [](std::string_view table, const std::string& dir) {
        std::size_t n = 0;
        for (const Row& r : parse_table(table)) n += r.path.rfind(dir, 0) == 0 ? 1 : 0;
        return n;
    };
    for (const std::string dir : {"orientation/", "formats/", "bad/"}) {
        CAPTURE(dir);
        std::size_t on_disk = 0;
        for (const auto& e : std::filesystem::directory_iterator(fotogal::test::corpus_file(dir))) {
            on_disk += e.is_regular_file() ? 1 : 0;
        }
        CHECK(on_disk == count(kCorpusTable, dir) + count(kBadTable, dir));
    }
    CHECK(count(kCorpusTable, "orientation/") == 18);
    CHECK(count(kCorpusTable, "formats/") == 67);
    CHECK(count(kBadTable, "bad/") == 30);
}

TEST_CASE("JPEG photos report an EXIF range that starts at the TIFF header") {
    for (const auto& e :
         std::filesystem::directory_iterator(fotogal::test::corpus_file("photos"))) {
        CAPTURE(e.path().string());
        const Buffer bytes = fotogal::test::read_file(e.path());
        const auto h = probe_header(bytes);
        REQUIRE(h.has_value());
        REQUIRE(h->exif.has_value());
        CHECK(starts_with_tiff_header(bytes, *h->exif));
    }
}

TEST_CASE("bad/ inputs probe by signature, return nullopt or throw InvalidHeader") {
    for (const Row& row : parse_table(kBadTable)) {
        CAPTURE(row.path);
        const Buffer bytes = corpus(row.path);
        if (row.expected == "invalid") {
            CHECK_THROWS_AS((void)probe_header(bytes), InvalidHeader);
        } else {
            CHECK(describe(probe_header(bytes)) == row.expected);
        }
    }
}

TEST_CASE("format names, media types and extensions") {
    // In ImageFormat's declaration order: name, media type, extension.
    std::istringstream expected(
        "jpeg image/jpeg jpg  png image/png png  webp image/webp webp  gif image/gif gif  "
        "bmp image/bmp bmp  tiff image/tiff tif  pnm image/x-portable-anymap pnm  "
        "pfm image/x-portable-floatmap pfm  jp2 image/jp2 jp2  heic image/heic heic  "
        "avif image/avif avif  hdr image/vnd.radiance hdr  sunras image/x-sun-raster ras");
    std::string name, type, extension;
    int i = 0;
    for (; expected >> name >> type >> extension; ++i) {
        const auto f = static_cast<ImageFormat>(i);
        CHECK(fotogal::formats::format_name(f) == name);
        CHECK(fotogal::formats::media_type(f) == type);
        CHECK(fotogal::formats::file_extension(f) == extension);
    }
    CHECK(i == 13);
}

TEST_CASE("animation flags and EXIF ranges of non-JPEG formats") {
    CHECK(probe_header(corpus("formats/gif_animated.gif"))->animated);
    CHECK_FALSE(probe_header(corpus("formats/gif_hopper.gif"))->animated);
    CHECK_FALSE(probe_header(corpus("bad/bomb_gif.gif"))->animated);
    CHECK(probe_header(corpus("formats/webp_animated.webp"))->animated);
    CHECK_FALSE(probe_header(corpus("formats/webp_alpha_transparent.webp"))->animated);
    CHECK_FALSE(probe_header(corpus("formats/png8_rgba.png"))->animated);

    for (const char* path : {"formats/png_exif_chunk.png", "formats/webp_exif_orientation_6.webp",
                             "formats/tiff_exif_BSG1.tiff"}) {
        CAPTURE(path);
        const Buffer bytes = corpus(path);
        const auto h = probe_header(bytes);
        REQUIRE(h->exif.has_value());
        CHECK(starts_with_tiff_header(bytes, *h->exif));
    }
    const Buffer tiff = corpus("formats/tiff_rgb_lzw.tif");
    const auto h = probe_header(tiff);
    CHECK(h->exif->offset == 0);
    CHECK(h->exif->size == tiff.size());
    CHECK_FALSE(probe_header(corpus("formats/png8_rgba.png"))->exif.has_value());
}

TEST_CASE("zero and over-2^31 sizes are rejected with a message naming the format") {
    Buffer png = corpus("formats/png8_rgba.png");
    png[16] = png[17] = png[18] = png[19] = 0;  // IHDR width
    CHECK(error_of(png) == "PNG header declares a zero width");
    png[16] = 0x80;
    png[19] = 0x01;
    CHECK(error_of(png).find("PNG header declares a width of 2147483649") == 0);
    png[16] = 0x80;
    png[19] = 0x00;
    CHECK(probe_header(png)->width == 2147483648u);  // exactly 2^31 is still allowed

    Buffer ras = corpus("formats/sunraster.ras");
    ras[8] = ras[9] = ras[10] = ras[11] = 0;
    CHECK(error_of(ras) == "Sun raster header declares a zero height");
}

TEST_CASE("JPEG marker walk: fill bytes, EXIF APP1, SOF variants, DNL and early SOS") {
    const Buffer exif_app1 = concat({{0xFF, 0xE1, 0x00, 0x10},
                                     text(std::string_view("Exif\0\0", 6)),
                                     {'I', 'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00}});
    // Extra 0xFF fill bytes before markers are legal; SOF2 (progressive) carries the size.
    const Buffer jpeg =
        concat({{0xFF, 0xD8, 0xFF, 0xFF},
                exif_app1,
                {0xFF, 0xFF, 0xC2, 0x00, 0x11, 0x08, 0x00, 0x20, 0x00, 0x40, 0x03}});
    const auto h = probe_header(jpeg);
    CHECK(describe(h) == "jpeg 64x32");
    REQUIRE(h->exif.has_value());
    CHECK(h->exif->offset == 14);
    CHECK(h->exif->size == 8);

    // DHT (C4) sits in the SOFn range but is not a frame header.
    const Buffer dht_first = {0xFF, 0xD8, 0xFF, 0xC4, 0x00, 0x04, 0x00, 0x00, 0xFF,
                              0xC0, 0x00, 0x11, 0x08, 0x00, 0x1C, 0x00, 0x24, 0x03};
    CHECK(describe(probe_header(dht_first)) == "jpeg 36x28");

    const Buffer dnl = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x00, 0x00, 0x40, 0x03};
    CHECK(error_of(dnl).find("zero height") != std::string::npos);
    const Buffer early_sos = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F};
    CHECK(error_of(early_sos) == "JPEG header starts a scan before declaring a frame size");
}

TEST_CASE("TIFF: big-endian SHORT/LONG tags and BigTIFF LONG8") {
    // Entries: tag, type (3 SHORT, 4 LONG, 16 LONG8), count, value left-justified.
    const Buffer mm = concat({text(std::string_view("MM\0*", 4)), be(8, 4), be(2, 2),  //
                              be(256, 2), be(3, 2), be(1, 4), be(320, 2), be(0, 2),    //
                              be(257, 2), be(4, 2), be(1, 4), be(240, 4)});
    CHECK(describe(probe_header(mm)) == "tiff 320x240");

    const auto bigtiff = [](std::uint64_t width) {
        return concat({text(std::string_view("II+\0", 4)), le(8, 2), le(0, 2), le(16, 8), le(2, 8),
                       le(256, 2), le(16, 2), le(1, 8), le(width, 8),  //
                       le(257, 2), le(4, 2), le(1, 8), le(80, 8)});
    };
    CHECK(describe(probe_header(bigtiff(70000))) == "tiff 70000x80");
    CHECK(error_of(bigtiff(std::uint64_t{1} << 32)).find("over the 2^31 limit") !=
          std::string::npos);
}

TEST_CASE("JPEG 2000 bare codestream subtracts the image offset") {
    const Buffer j2k = concat({{0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29, 0x00, 0x00},
                               be(0x100, 4),
                               be(0x80, 4),
                               be(0x10, 4),
                               be(0, 4)});
    CHECK(describe(probe_header(j2k)) == "jp2 240x128");
}

TEST_CASE("HEIF: brands decide HEIC vs AVIF, and the primary item's ispe wins") {
    const auto ftyp = [](std::string_view brands) { return box("ftyp", text(brands)); };
    const auto ispe = [](std::uint32_t w, std::uint32_t h) {
        return box("ispe", concat({be(0, 4), be(w, 4), be(h, 4)}));
    };
    const Buffer heic_brands = ftyp(std::string_view("mif1\0\0\0\0mif1heic", 16));
    CHECK(sniff_format(heic_brands) == ImageFormat::heic);
    CHECK(sniff_format(ftyp(std::string_view("mif1\0\0\0\0mif1avif", 16))) == ImageFormat::avif);
    CHECK_FALSE(sniff_format(ftyp(std::string_view("isom\0\0\0\0isommp41", 16))).has_value());
    CHECK(error_of(heic_brands) == "HEIF file has no image size (ispe)");

    // A grid image: the first ispe is a 512x512 tile, the primary item (1) uses property 2.
    const Buffer ipco = box("ipco", concat({ispe(512, 512), ispe(4032, 3024)}));
    const Buffer ipma = box("ipma", concat({be(0, 4), be(1, 4), be(1, 2), {0x01, 0x82}}));
    const Buffer pitm = box("pitm", concat({be(0, 4), be(1, 2)}));
    const Buffer with_pitm = concat(
        {heic_brands, box("meta", concat({be(0, 4), pitm, box("iprp", concat({ipco, ipma}))}))});
    CHECK(describe(probe_header(with_pitm)) == "heic 4032x3024");
    const Buffer without_pitm =
        concat({heic_brands, box("meta", concat({be(0, 4), box("iprp", concat({ipco, ipma}))}))});
    CHECK(describe(probe_header(without_pitm)) == "heic 512x512");
}

TEST_CASE("text headers: PNM comments and signs, PFM, Radiance axis order") {
    const auto size_of = [](std::string_view s) { return describe(probe_header(text(s))); };
    CHECK(size_of("P3\n# a comment\n 4 # another\n2\n255\n") == "pnm 4x2");
    CHECK(size_of("P1 7\t9\n") == "pnm 7x9");
    CHECK(size_of("PF\n3 2\n-1.0\n") == "pfm 3x2");
    CHECK(size_of("#?RGBE\nFORMAT=32-bit_rle_rgbe\n\n+X 128 -Y 85\n") == "hdr 128x85");
    CHECK(error_of(text("P2 -4 2 255\n")) == "PNM header declares a negative width");
    CHECK(error_of(text("P5 0 2 255\n")) == "PNM header declares a zero width");
    CHECK(error_of(text("P6 99999999999999999999999 2 255\n")).find("2^31") != std::string::npos);
    CHECK(error_of(text("#?RADIANCE\n\n-Y 0 +X 5\n")) ==
          "Radiance HDR header declares a zero height");
    CHECK_FALSE(sniff_format(text("P7\nWIDTH 4\n")).has_value());
    CHECK_FALSE(sniff_format(text("Plain text")).has_value());
}
