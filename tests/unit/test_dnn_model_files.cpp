#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "temp_dir.hpp"
#include "workers/pipeline/dnn/model_files.hpp"

namespace dnn = fotogal::pipeline::dnn;

namespace {

// The message of the ModelError that reading `file` from `dir` throws ("" if none).
std::string failure(const dnn::ModelFile& file, const std::filesystem::path& dir) {
    try {
        dnn::read_model(file, dir);
    } catch (const dnn::ModelError& e) {
        CHECK(e.kind() == fotogal::ErrorKind::fatal);
        CHECK(e.code() == "model_unavailable");
        return e.what();
    }
    return "";
}

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("model files: a missing file names the file, its path and how to get it") {
    fotogal::test::TempDir dir;
    std::string message = failure(dnn::kYuNet, dir.path());
    CHECK(message.find("face_detection_yunet_2023mar.onnx") != std::string::npos);
    CHECK(message.find("missing") != std::string::npos);
    CHECK(message.find(dir.path().string()) != std::string::npos);
    CHECK(message.find("scripts/models.sh") != std::string::npos);
    CHECK(message.find("FOTOGAL_MODELS") != std::string::npos);
}

TEST_CASE("model files: a file with another SHA-256 is refused as corrupt, with both hashes") {
    fotogal::test::TempDir dir;
    // "abc": a known SHA-256, so the message can be checked for the actual hash too.
    write(dir.path() / "coco.names", "abc");
    std::string message = failure(dnn::kCocoNames, dir.path());
    CHECK(message.find("coco.names corrupt at " + (dir.path() / "coco.names").string()) !=
          std::string::npos);
    CHECK(message.find("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") !=
          std::string::npos);
    CHECK(message.find(std::string(dnn::kCocoNames.sha256)) != std::string::npos);
    CHECK(message.find("scripts/models.sh") != std::string::npos);
}

TEST_CASE("model files: a file with the pinned SHA-256 is read whole") {
    fotogal::test::TempDir dir;
    write(dir.path() / "abc.txt", "abc");
    dnn::ModelFile abc{"abc.txt",
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"};
    auto bytes = dnn::read_model(abc, dir.path());
    CHECK(std::string(bytes.begin(), bytes.end()) == "abc");
}

TEST_CASE("model files: FOTOGAL_MODELS names the directory, else the user's cache") {
    const char* before = std::getenv("FOTOGAL_MODELS");
    std::string saved = before ? before : "";
    setenv("FOTOGAL_MODELS", "/srv/models", 1);
    CHECK(dnn::models_dir() == "/srv/models");
    unsetenv("FOTOGAL_MODELS");
    CHECK(dnn::models_dir().string().ends_with(".cache/fotogal/models"));
    if (before) setenv("FOTOGAL_MODELS", saved.c_str(), 1);
}

// The worker checks the same hashes scripts/models.sh checks after fetching.
TEST_CASE("model files: every pin is the one scripts/models.sh installs") {
    std::ifstream in(FOTOGAL_MODELS_SCRIPT);
    REQUIRE(in);
    std::stringstream script;
    script << in.rdbuf();
    for (const dnn::ModelFile& file : dnn::kAllModels) {
        CAPTURE(file.name);
        std::string row = "\"" + std::string(file.name) + "|";
        auto at = script.str().find(row);
        REQUIRE(at != std::string::npos);
        std::string line = script.str().substr(at, script.str().find('\n', at) - at);
        CHECK(line.ends_with("|" + std::string(file.sha256) + "\""));
    }
}

// The suite runs scripts/models.sh first (the CTest fixture "models"), so every pinned file
// is there and intact.
TEST_CASE("model files: the installed models verify") {
    for (const dnn::ModelFile& file : dnn::kAllModels) {
        CAPTURE(file.name);
        CHECK_NOTHROW(dnn::read_model(file));
    }
}
