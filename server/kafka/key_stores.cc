#include "server/kafka/key_stores.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace sluice::kafka {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct Pkcs12Free {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, Pkcs12Free>;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("Cannot read ", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("Cannot read ", path));
  return std::move(bytes).str();
}

// The oldest OpenSSL error, as text; clears the queue.
std::string OpenSslError() {
  unsigned long code = ERR_get_error();  // NOLINT(runtime/int): OpenSSL's type
  std::string text = code == 0 ? "unknown error" : ERR_reason_error_string(code) != nullptr
                                                      ? ERR_reason_error_string(code)
                                                      : "unknown error";
  ERR_clear_error();
  return text;
}

absl::StatusOr<std::string> ToPem(X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr || PEM_write_bio_X509(out.get(), cert) != 1) {
    return absl::InternalError(absl::StrCat("Writing a certificate as PEM: ", OpenSslError()));
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);  // NOLINT(runtime/int)
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> DerToPem(std::string_view der, const std::string& path) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));  // NOLINT(runtime/int)
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid certificate in key store ", path, ": ", OpenSslError()));
  }
  return ToPem(cert.get());
}

// Reads the big-endian fields of a JKS file.
class JksReader {
 public:
  explicit JksReader(std::string_view bytes) : bytes_(bytes) {}

  bool U16(uint16_t& v) {
    if (pos_ + 2 > bytes_.size()) return false;
    v = static_cast<uint16_t>((Byte(0) << 8) | Byte(1));
    pos_ += 2;
    return true;
  }
  bool U32(uint32_t& v) {
    if (pos_ + 4 > bytes_.size()) return false;
    v = (Byte(0) << 24) | (Byte(1) << 16) | (Byte(2) << 8) | Byte(3);
    pos_ += 4;
    return true;
  }
  bool Skip(size_t n) {
    if (pos_ + n > bytes_.size()) return false;
    pos_ += n;
    return true;
  }
  // A DataOutput.writeUTF string (length-prefixed modified UTF-8), skipped.
  bool SkipUtf() {
    uint16_t n = 0;
    return U16(n) && Skip(n);
  }
  // A length-prefixed byte array.
  bool Bytes(std::string_view& out) {
    uint32_t n = 0;
    if (!U32(n) || pos_ + n > bytes_.size()) return false;
    out = bytes_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  uint32_t Byte(size_t i) const { return static_cast<unsigned char>(bytes_[pos_ + i]); }

  std::string_view bytes_;
  size_t pos_ = 0;
};

// A Java char[] password as the bytes JKS hashes: each UTF-16 code unit, big-endian.
std::string Utf16BigEndian(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    uint32_t cp = c;
    size_t n = 1;
    if (c >= 0xF0 && i + 3 < utf8.size()) {
      cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 12) |
           ((static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(utf8[i + 3]) & 0x3Fu);
      n = 4;
    } else if (c >= 0xE0 && i + 2 < utf8.size()) {
      cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu);
      n = 3;
    } else if (c >= 0xC0 && i + 1 < utf8.size()) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
      n = 2;
    }
    i += n;
    auto unit = [&out](uint32_t u) {
      out.push_back(static_cast<char>((u >> 8) & 0xFF));
      out.push_back(static_cast<char>(u & 0xFF));
    };
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

constexpr uint32_t kJksMagic = 0xFEEDFEED;
constexpr uint32_t kJceksMagic = 0xCECECECE;

absl::StatusOr<std::string> JksTrustedCertificates(std::string_view bytes, const std::string& path,
                                                   const std::optional<std::string>& password) {
  auto malformed = [&] {
    return absl::InvalidArgumentError(absl::StrCat("Invalid keystore format: ", path));
  };
  constexpr size_t kDigestSize = 20;  // SHA-1
  if (bytes.size() < 12 + kDigestSize) return malformed();
  if (password.has_value()) {
    // JavaKeyStore.engineLoad: SHA-1 over the password, "Mighty Aphrodite" and the store.
    const std::string key = Utf16BigEndian(*password);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(EVP_MD_CTX_new(),
                                                                &EVP_MD_CTX_free);
    if (sha == nullptr || EVP_DigestInit_ex(sha.get(), EVP_sha1(), nullptr) != 1 ||
        EVP_DigestUpdate(sha.get(), key.data(), key.size()) != 1 ||
        EVP_DigestUpdate(sha.get(), "Mighty Aphrodite", 16) != 1 ||
        EVP_DigestUpdate(sha.get(), bytes.data(), bytes.size() - kDigestSize) != 1 ||
        EVP_DigestFinal_ex(sha.get(), digest, &digest_size) != 1 || digest_size != kDigestSize) {
      return absl::InternalError(absl::StrCat("SHA-1: ", OpenSslError()));
    }
    if (bytes.substr(bytes.size() - kDigestSize) !=
        std::string_view(reinterpret_cast<const char*>(digest), kDigestSize)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cannot read trust store ", path,
                       ": Keystore was tampered with, or password was incorrect"));
    }
  }
  JksReader r(bytes.substr(0, bytes.size() - kDigestSize));
  uint32_t magic = 0;
  uint32_t version = 0;
  uint32_t count = 0;
  if (!r.U32(magic) || magic != kJksMagic || !r.U32(version) || (version != 1 && version != 2) ||
      !r.U32(count)) {
    return malformed();
  }
  std::string pem;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t tag = 0;
    if (!r.U32(tag) || !r.SkipUtf() || !r.Skip(8)) return malformed();  // alias, date
    std::string_view der;
    if (tag == 1) {  // a private key and its certificate chain
      std::string_view key;
      uint32_t chain = 0;
      if (!r.Bytes(key) || !r.U32(chain)) return malformed();
      for (uint32_t c = 0; c < chain; ++c) {
        std::string_view cert;
        if ((version == 2 && !r.SkipUtf()) || !r.Bytes(cert)) return malformed();
        if (c == 0) der = cert;  // Java trusts the entry's own certificate
      }
      if (chain == 0) continue;
    } else if (tag == 2) {  // a trusted certificate
      if ((version == 2 && !r.SkipUtf()) || !r.Bytes(der)) return malformed();
    } else {
      return malformed();
    }
    absl::StatusOr<std::string> one = DerToPem(der, path);
    if (!one.ok()) return one.status();
    pem += *one;
  }
  return pem;
}

absl::StatusOr<std::string> Pkcs12Certificates(std::string_view bytes, const std::string& path,
                                               const std::optional<std::string>& password) {
  BioPtr in(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  Pkcs12Ptr p12(in == nullptr ? nullptr : d2i_PKCS12_bio(in.get(), nullptr));
  if (p12 == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("Cannot read trust store ", path, ": not a JKS or PKCS12 key store"));
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  if (PKCS12_parse(p12.get(), password.has_value() ? password->c_str() : nullptr, &key, &cert,
                   &ca) != 1) {
    const std::string why = OpenSslError();
    return absl::InvalidArgumentError(absl::StrCat(
        "Cannot read trust store ", path, ": keystore password was incorrect (", why, ")"));
  }
  EVP_PKEY_free(key);
  X509Ptr own(cert);
  std::string pem;
  absl::Status status;
  if (own != nullptr) {
    absl::StatusOr<std::string> one = ToPem(own.get());
    if (one.ok()) pem += *one; else status = one.status();
  }
  for (int i = 0; ca != nullptr && i < sk_X509_num(ca) && status.ok(); ++i) {
    absl::StatusOr<std::string> one = ToPem(sk_X509_value(ca, i));
    if (one.ok()) pem += *one; else status = one.status();
  }
  sk_X509_pop_free(ca, X509_free);
  if (!status.ok()) return status;
  return pem;
}

}  // namespace

// PEM text as Kafka accepts it (Java's PEM parser ignores whitespace inside a block, so a
// certificate given on one line works) rewritten as OpenSSL reads it: each block's base64 body
// on lines of 64 characters.
std::string NormalizePem(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t begin = text.find("-----BEGIN ", pos);
    if (begin == std::string_view::npos) break;
    const size_t label_end = text.find("-----", begin + 11);
    if (label_end == std::string_view::npos) break;
    const std::string_view label = text.substr(begin + 11, label_end - begin - 11);
    const std::string end_marker = absl::StrCat("-----END ", absl::string_view(label.data(), label.size()), "-----");
    const size_t end = text.find(end_marker, label_end + 5);
    if (end == std::string_view::npos) break;
    std::string body;
    for (char c : text.substr(label_end + 5, end - label_end - 5)) {
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) body.push_back(c);
    }
    absl::StrAppend(&out, "-----BEGIN ", absl::string_view(label.data(), label.size()), "-----\n");
    for (size_t i = 0; i < body.size(); i += 64) {
      absl::StrAppend(&out, body.substr(i, 64), "\n");
    }
    absl::StrAppend(&out, end_marker, "\n");
    pos = end + end_marker.size();
  }
  return out.empty() ? std::string(text) : out;
}

absl::StatusOr<KeyStoreFormat> SniffKeyStore(const std::string& path) {
  absl::StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  JksReader r(*bytes);
  uint32_t magic = 0;
  if (r.U32(magic) && magic == kJksMagic) return KeyStoreFormat::kJks;
  if (magic == kJceksMagic) return KeyStoreFormat::kJceks;
  return KeyStoreFormat::kPkcs12;
}

absl::StatusOr<std::string> TrustedCertificatesPem(const std::string& path,
                                                   const std::optional<std::string>& password) {
  absl::StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  JksReader r(*bytes);
  uint32_t magic = 0;
  r.U32(magic);
  absl::StatusOr<std::string> pem;
  if (magic == kJksMagic) {
    pem = JksTrustedCertificates(*bytes, path, password);
  } else if (magic == kJceksMagic) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Cannot read trust store ", path,
        ": JCEKS key stores are not supported; convert it to PKCS12 with keytool -importkeystore"));
  } else {
    pem = Pkcs12Certificates(*bytes, path, password);
  }
  if (pem.ok() && pem->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Trust store ", path, " holds no certificates"));
  }
  return pem;
}

}  // namespace sluice::kafka
