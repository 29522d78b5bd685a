#include "server/distributed/request_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "formats/base64.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sluice::distributed {
namespace {

// How a MAC is computed.
enum class MacKind {
  kHmac,           // RFC 2104 over `digest`
  kSslMac,         // SSL 3.0's MAC (Java's SslMacMD5 / SslMacSHA1) over `digest`
  kPasswordBased,  // PKCS#12 / PBES2 MACs: need a password-based key, never a raw one
};

struct MacAlgorithm {
  std::string_view name;  // Java's standard name
  MacKind kind;
  const EVP_MD* (*digest)();  // null for kPasswordBased
};

// The Mac services of a Java 17 JVM (SunJCE), printed by a Java program from
// Security.getProviders() on Kafka 3.9.1's runtime.
constexpr MacAlgorithm kMacAlgorithms[] = {
    {"HmacMD5", MacKind::kHmac, &EVP_md5},
    {"HmacSHA1", MacKind::kHmac, &EVP_sha1},
    {"HmacSHA224", MacKind::kHmac, &EVP_sha224},
    {"HmacSHA256", MacKind::kHmac, &EVP_sha256},
    {"HmacSHA384", MacKind::kHmac, &EVP_sha384},
    {"HmacSHA512", MacKind::kHmac, &EVP_sha512},
    {"HmacSHA512/224", MacKind::kHmac, &EVP_sha512_224},
    {"HmacSHA512/256", MacKind::kHmac, &EVP_sha512_256},
    {"HmacSHA3-224", MacKind::kHmac, &EVP_sha3_224},
    {"HmacSHA3-256", MacKind::kHmac, &EVP_sha3_256},
    {"HmacSHA3-384", MacKind::kHmac, &EVP_sha3_384},
    {"HmacSHA3-512", MacKind::kHmac, &EVP_sha3_512},
    {"SslMacMD5", MacKind::kSslMac, &EVP_md5},
    {"SslMacSHA1", MacKind::kSslMac, &EVP_sha1},
    {"HmacPBESHA1", MacKind::kPasswordBased, nullptr},
    {"HmacPBESHA224", MacKind::kPasswordBased, nullptr},
    {"HmacPBESHA256", MacKind::kPasswordBased, nullptr},
    {"HmacPBESHA384", MacKind::kPasswordBased, nullptr},
    {"HmacPBESHA512", MacKind::kPasswordBased, nullptr},
    {"HmacPBESHA512/224", MacKind::kPasswordBased, nullptr},
    {"HmacPBESHA512/256", MacKind::kPasswordBased, nullptr},
    {"PBEWithHmacSHA1", MacKind::kPasswordBased, nullptr},
    {"PBEWithHmacSHA224", MacKind::kPasswordBased, nullptr},
    {"PBEWithHmacSHA256", MacKind::kPasswordBased, nullptr},
    {"PBEWithHmacSHA384", MacKind::kPasswordBased, nullptr},
    {"PBEWithHmacSHA512", MacKind::kPasswordBased, nullptr},
};

// SunJCE's OID aliases ("Alg.Alias.Mac.*"); each may also be written with an "OID." prefix.
constexpr std::pair<std::string_view, std::string_view> kMacOids[] = {
    {"1.2.840.113549.2.7", "HmacSHA1"},
    {"1.2.840.113549.2.8", "HmacSHA224"},
    {"1.2.840.113549.2.9", "HmacSHA256"},
    {"1.2.840.113549.2.10", "HmacSHA384"},
    {"1.2.840.113549.2.11", "HmacSHA512"},
    {"1.2.840.113549.2.12", "HmacSHA512/224"},
    {"1.2.840.113549.2.13", "HmacSHA512/256"},
    {"2.16.840.1.101.3.4.2.13", "HmacSHA3-224"},
    {"2.16.840.1.101.3.4.2.14", "HmacSHA3-256"},
    {"2.16.840.1.101.3.4.2.15", "HmacSHA3-384"},
    {"2.16.840.1.101.3.4.2.16", "HmacSHA3-512"},
};

const MacAlgorithm* FindMac(std::string_view name) {
  absl::string_view n(name.data(), name.size());
  if (absl::StartsWithIgnoreCase(n, "OID.")) n.remove_prefix(4);
  for (const auto& [oid, canonical] : kMacOids) {
    if (n == absl::string_view(oid.data(), oid.size())) {
      n = absl::string_view(canonical.data(), canonical.size());
      break;
    }
  }
  for (const MacAlgorithm& m : kMacAlgorithms) {
    if (absl::EqualsIgnoreCase(n, absl::string_view(m.name.data(), m.name.size()))) return &m;
  }
  return nullptr;
}

absl::Status NotAvailable(std::string_view algorithm) {
  return absl::InvalidArgumentError(
      absl::StrCat("Algorithm ", absl::string_view(algorithm.data(), algorithm.size()),
                   " not available"));
}

std::string Digest(const EVP_MD* md, std::initializer_list<std::string_view> parts) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, md, nullptr);
  for (std::string_view p : parts) EVP_DigestUpdate(ctx, p.data(), p.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

// SSL 3.0's MAC as Java's SslMacCore computes it over arbitrary data:
// H(key + pad2 + H(key + pad1 + data)), with pads of 48 bytes for MD5 and 40 for SHA-1.
std::string SslMac(const EVP_MD* md, std::string_view key, std::string_view data) {
  const size_t pad_len = EVP_MD_get_size(md) == 16 ? 48 : 40;
  const std::string pad1(pad_len, '\x36');
  const std::string pad2(pad_len, '\x5c');
  const std::string inner = Digest(md, {key, pad1, data});
  return Digest(md, {key, pad2, inner});
}


}  // namespace

std::optional<std::string_view> CanonicalMacAlgorithm(std::string_view name) {
  const MacAlgorithm* m = FindMac(name);
  if (m == nullptr) return std::nullopt;
  return m->name;
}

absl::StatusOr<std::string> ComputeMac(std::string_view algorithm, std::string_view key,
                                       std::string_view data) {
  const MacAlgorithm* m = FindMac(algorithm);
  if (m == nullptr) return NotAvailable(algorithm);
  switch (m->kind) {
    case MacKind::kHmac: {
      std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
      unsigned int len = 0;
      // HMAC() with a null key pointer fails on some OpenSSL versions; any valid pointer will do
      // for an empty key.
      static const unsigned char kEmpty = 0;
      const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
      if (HMAC(m->digest(), key_ptr, static_cast<int>(key.size()),
               reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
               &len) == nullptr) {
        return absl::InternalError(absl::StrCat("OpenSSL could not compute ", m->name.data()));
      }
      return std::string(reinterpret_cast<const char*>(out.data()), len);
    }
    case MacKind::kSslMac:
      return SslMac(m->digest(), key, data);
    case MacKind::kPasswordBased:
      break;
  }
  return absl::FailedPreconditionError("java.security.InvalidKeyException: Missing password");
}

absl::StatusOr<SignatureHeaders> SignRequest(std::string_view key, std::string_view body,
                                             std::string_view algorithm) {
  absl::StatusOr<std::string> mac = ComputeMac(algorithm, key, body);
  if (!mac.ok()) return mac.status();
  return SignatureHeaders{formats::Base64Encode(*mac), std::string(algorithm)};
}

absl::StatusOr<std::optional<RequestSignature>> RequestSignature::FromHeaders(
    std::optional<std::string_view> algorithm, std::optional<std::string_view> signature,
    std::string body) {
  if (!algorithm.has_value() || !signature.has_value()) return std::nullopt;
  if (FindMac(*algorithm) == nullptr) return NotAvailable(*algorithm);
  absl::StatusOr<std::string> decoded = formats::JavaBase64Decode(*signature);
  if (!decoded.ok()) return decoded.status();
  return RequestSignature(std::string(*algorithm), *std::move(decoded), std::move(body));
}

absl::StatusOr<bool> RequestSignature::IsValid(std::string_view key) const {
  absl::StatusOr<std::string> expected = ComputeMac(algorithm_, key, body_);
  if (!expected.ok()) return expected.status();
  // MessageDigest.isEqual: lengths first, then every byte.
  return expected->size() == signature_.size() &&
         CRYPTO_memcmp(expected->data(), signature_.data(), signature_.size()) == 0;
}

}  // namespace sluice::distributed
