// Locates the shared corpus of real test images (../shared/corpus beside the repository).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fotogal::test {

inline std::filesystem::path corpus_dir() {
    if (const char* env = std::getenv("FOTOGAL_CORPUS")) return env;
    return FOTOGAL_DEFAULT_CORPUS;
}

inline std::filesystem::path corpus_file(const std::string& relative) {
    return corpus_dir() / relative;
}

inline std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot open test file " + path.string());
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return bytes;
}

inline std::vector<std::uint8_t> read_corpus(const std::string& relative) {
    return read_file(corpus_file(relative));
}

}  // namespace fotogal::test
