#include "ingest/upload_url_signer.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <charconv>
#include <map>
#include <stdexcept>

#include "common/storage/signing_crypto.hpp"
#include "common/storage/storage_url.hpp"

namespace fotogal::ingest {

namespace {

std::string random_secret() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        throw std::runtime_error("no random bytes for the upload URL secret");
    return std::string(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

template <typename Number>
bool parse_number(const std::string& text, Number& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

ApiError refused(std::string code, std::string message) {
    return ApiError{403, std::move(code), std::move(message)};
}

}  // namespace

UploadUrlSigner::UploadUrlSigner() : secret_(random_secret()) {}

UploadUrlSigner::UploadUrlSigner(const std::string& secret)
    : secret_(secret.empty() ? random_secret() : secret), shared_(!secret.empty()) {}

std::string UploadUrlSigner::mac(const UploadGrant& g) const {
    // One field a line, each free of newlines (the id is a UUID, the numbers digits, the
    // content type a checked token, the owner percent-encoded), so no two grants collide.
    std::string text = "fotogal-upload-v1\nPUT\n" + g.image_id + "\n" + std::to_string(g.expires) +
                       "\n" + std::to_string(g.max_bytes) + "\n" + g.content_type + "\n" +
                       storage::uri_encode(g.owner, false);
    if (!g.visibility.empty()) text += "\n" + storage::uri_encode(g.visibility, false);
    return storage::crypto::hex(storage::crypto::hmac_sha256(secret_, text));
}

std::string UploadUrlSigner::sign(const UploadGrant& g) const {
    auto enc = [](const std::string& s) { return storage::uri_encode(s, false); };
    return "/v1/uploads/" + g.image_id + "?expires=" + std::to_string(g.expires) +
           "&max_bytes=" + std::to_string(g.max_bytes) + "&content_type=" + enc(g.content_type) +
           "&owner=" + enc(g.owner) +
           (g.visibility.empty() ? "" : "&visibility=" + enc(g.visibility)) +
           "&signature=" + mac(g);
}

std::variant<UploadGrant, ApiError> UploadUrlSigner::verify(
    const std::string& image_id, const std::vector<std::pair<std::string, std::string>>& query,
    std::int64_t now) const {
    std::map<std::string, std::string> fields;
    for (const auto& [name, value] : query) fields.emplace(name, value);  // the first one counts
    UploadGrant g;
    g.image_id = image_id;
    g.content_type = fields["content_type"];
    g.owner = fields["owner"];
    g.visibility = fields["visibility"];
    const std::string& signature = fields["signature"];
    if (!parse_number(fields["expires"], g.expires) ||
        !parse_number(fields["max_bytes"], g.max_bytes) || signature.empty())
        return refused("bad_signature",
                       "this is not an upload URL ingest issued; ask POST /v1/uploads for one");
    std::string expected = mac(g);
    if (signature.size() != expected.size() ||
        CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0)
        return refused("bad_signature",
                       "the upload URL's signature does not hold (altered, or issued with another "
                       "secret); ask POST /v1/uploads for a new one");
    if (now >= g.expires)
        return refused("url_expired",
                       "the upload URL has expired; ask POST /v1/uploads for a new one");
    return g;
}

}  // namespace fotogal::ingest
