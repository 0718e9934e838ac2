#include "common/storage/oci_identity_crypto.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <sstream>

#include "common/storage/object_store.hpp"
#include "common/storage/signing_crypto.hpp"

namespace fotogal::storage {

namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
    void operator()(X509* c) const { X509_free(c); }
};

std::string colon_hex(const std::string& raw) {
    std::string hex = crypto::hex(raw), out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        if (i) out += ':';
        out += hex.substr(i, 2);
    }
    return out;
}

// The subject attribute values that carry the tenancy (the SDKs look for either prefix).
std::string tenancy_of(X509* cert) {
    X509_NAME* subject = X509_get_subject_name(cert);
    for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
        ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
        unsigned char* utf8 = nullptr;
        int len = ASN1_STRING_to_UTF8(&utf8, data);
        if (len < 0) continue;
        std::string value(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
        OPENSSL_free(utf8);
        for (const char* prefix : {"opc-tenant:", "opc-identity:"})
            if (value.starts_with(prefix)) return value.substr(std::string(prefix).size());
    }
    return "";
}

}  // namespace

PrivateKey generate_session_key() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    ERR_clear_error();
    if (!key) throw StorageError("OpenSSL could not generate an RSA session key", false);
    return PrivateKey(key, EvpPkeyFree{});
}

std::string public_key_pem_body(EVP_PKEY* key) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
        throw StorageError("OpenSSL could not encode the session public key", false);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return pem_body(std::string(data, static_cast<std::size_t>(len)));
}

std::string pem_body(const std::string& pem) {
    std::istringstream in(pem);
    std::string out;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.starts_with("-----")) continue;
        out += line;
    }
    return out;
}

LeafCertificate read_leaf_certificate(const std::string& pem, const std::string& source) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::unique_ptr<X509, X509Free> cert(
        bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!cert) throw StorageError(source + " is not a PEM certificate", false);
    LeafCertificate leaf;
    leaf.tenancy = tenancy_of(cert.get());
    if (leaf.tenancy.empty())
        throw StorageError(source + ": the certificate's subject names no opc-tenant", false);
    unsigned char* der = nullptr;
    int len = i2d_X509(cert.get(), &der);
    if (len <= 0) throw StorageError(source + ": cannot encode the certificate", false);
    leaf.sha1_fingerprint =
        colon_hex(crypto::sha1(std::string_view(reinterpret_cast<char*>(der), len)));
    OPENSSL_free(der);
    leaf.pem_body = pem_body(pem);
    return leaf;
}

}  // namespace fotogal::storage
