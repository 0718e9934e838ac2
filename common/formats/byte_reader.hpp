// Bounds-checked access to the first bytes of an untrusted file. Every header probe goes
// through this reader so that no offset taken from the file itself can reach past the end
// of the buffer: offsets and lengths come straight from attacker-controlled fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/formats/image_header.hpp"

namespace fotogal::formats::detail {

enum class Endian { big, little };

class ByteReader {
  public:
    // `format` only names the format in error messages ("PNG", "JPEG", ...).
    ByteReader(std::span<const std::uint8_t> bytes, std::string_view format) noexcept
        : bytes_(bytes), format_(format) {}

    std::size_t size() const noexcept { return bytes_.size(); }
    std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }
    std::string_view format() const noexcept { return format_; }

    // Written as a subtraction so that a huge `count` taken from the file cannot wrap around.
    bool has(std::size_t offset, std::size_t count) const noexcept {
        return offset <= bytes_.size() && count <= bytes_.size() - offset;
    }

    std::optional<std::uint8_t> u8(std::size_t offset) const noexcept {
        if (!has(offset, 1)) return std::nullopt;
        return bytes_[offset];
    }

    template <typename T>
    std::optional<T> load(std::size_t offset, Endian endian) const noexcept {
        if (!has(offset, sizeof(T))) return std::nullopt;
        T value = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            const std::size_t at = endian == Endian::big ? i : sizeof(T) - 1 - i;
            value = static_cast<T>((value << 8) | bytes_[offset + at]);
        }
        return value;
    }

    std::optional<std::uint16_t> u16be(std::size_t o) const noexcept {
        return load<std::uint16_t>(o, Endian::big);
    }
    std::optional<std::uint16_t> u16le(std::size_t o) const noexcept {
        return load<std::uint16_t>(o, Endian::little);
    }
    std::optional<std::uint32_t> u32be(std::size_t o) const noexcept {
        return load<std::uint32_t>(o, Endian::big);
    }
    std::optional<std::uint32_t> u32le(std::size_t o) const noexcept {
        return load<std::uint32_t>(o, Endian::little);
    }
    std::optional<std::uint64_t> u64be(std::size_t o) const noexcept {
        return load<std::uint64_t>(o, Endian::big);
    }
    std::optional<std::uint64_t> u64le(std::size_t o) const noexcept {
        return load<std::uint64_t>(o, Endian::little);
    }

    // Throwing variants for fields the header cannot do without; `what` names the field.
    template <typename T>
    T need(std::size_t offset, Endian endian, std::string_view what) const {
        if (auto v = load<T>(offset, endian)) return *v;
        fail_cut_short(what);
    }
    std::uint8_t need_u8(std::size_t offset, std::string_view what) const {
        if (auto v = u8(offset)) return *v;
        fail_cut_short(what);
    }

    bool matches(std::size_t offset, std::string_view literal) const noexcept {
        if (!has(offset, literal.size())) return false;
        for (std::size_t i = 0; i < literal.size(); ++i) {
            if (bytes_[offset + i] != static_cast<std::uint8_t>(literal[i])) return false;
        }
        return true;
    }

    [[noreturn]] void fail(std::string_view problem) const {
        throw InvalidHeader(std::string(format_) + " header " + std::string(problem));
    }
    [[noreturn]] void fail_cut_short(std::string_view what) const {
        fail("is cut short before its " + std::string(what));
    }

  private:
    std::span<const std::uint8_t> bytes_;
    std::string_view format_;
};

}  // namespace fotogal::formats::detail
