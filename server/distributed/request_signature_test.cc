#include "server/distributed/request_signature.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

// Every expected signature and message here was printed by a throwaway Java program running
// Kafka 3.9.1's own InternalRequestSignature.addToRequest / fromHeaders / isValid (on a Jetty
// request and a Jersey ContainerRequest), Crypto.SYSTEM and java.util.Base64 on Java 17, with the
// same key and bodies.
namespace sluice::distributed {
namespace {

// The key bytes i * 7 + 1 for i in 0..31 (a 256-bit key, as HmacSHA256's KeyGenerator makes).
std::string TestKey() {
  std::string key;
  for (int i = 0; i < 32; ++i) key += static_cast<char>(i * 7 + 1);
  return key;
}

constexpr char kTaskConfigsBody[] =
    R"([{"connector.class":"FileStreamSource","task.class":"org.apache.kafka.connect.file.)"
    R"(FileStreamSourceTask","file":"/tmp/in.txt","topic":"t"}])";

TEST(RequestSignature, SignsAsKafkaConnectForEveryBody) {
  struct Case {
    std::string body;
    std::string signature;
  };
  const Case cases[] = {
      {"", "YUQXJ2Fmde8SGNBPTbKvhCRGp0ICCTbYUpqhiBggWrw="},
      {"[]", "WI7aS3JWQ3QuMmTLauNMuHtT2OQdBv1tQXLV83SzWjM="},
      {kTaskConfigsBody, "UuHpC2/sHJYYoUI3PFcX0p6KGZlWTRLtzLuMd8T0Hbw="},
      // A follower forwarding a fence request sends the JSON string of the (empty) body.
      {R"("")", "8KTkVco+fH1EWhlaOk1dhsGtemYG415kAX+9uQxDGaM="},
  };
  for (const Case& c : cases) {
    absl::StatusOr<SignatureHeaders> h = SignRequest(TestKey(), c.body, "HmacSHA256");
    ASSERT_TRUE(h.ok()) << h.status();
    EXPECT_EQ(h->signature, c.signature) << c.body;
    EXPECT_EQ(h->algorithm, "HmacSHA256");
  }
}

TEST(RequestSignature, SignsWithEveryMacAJvmProvides) {
  struct Case {
    std::string algorithm;
    std::string signature;  // of the body "[]"
  };
  const Case cases[] = {
      {"HmacSHA1", "c2EEIvhCsMgbdggOHNKELgKeZnQ="},
      {"HmacSHA224", "SxIpYMf0MBXQQZYhIm3vYa7urNFqyRbAY4mT8Q=="},
      {"HmacSHA256", "WI7aS3JWQ3QuMmTLauNMuHtT2OQdBv1tQXLV83SzWjM="},
      {"HmacSHA384", "JYj7eY6CtJXo+aufyTUvhJNi7ijl/oa5GMvPt7yb3RQigl2rG81uTCwAo1dzyTdO"},
      {"HmacSHA512",
       "zXvumpCYcSka3tVN+MvqSJoZFIp42TusZ2bNzwBbDFOyP/w9flkq9r5MxFgxD1QtjTzaXxHswx8aU9PdHN/08Q=="},
      {"HmacSHA512/224", "uQb03SLjt+WrPLrmQt7Nnn3O7NuexYlP4XABdg=="},
      {"HmacSHA512/256", "o12GREteBqD/NNknIu+HTpKcNXXxS1cDDNSFuAOe21c="},
      {"HmacMD5", "QfKXoJ9p+1E5BnDBTvLl8w=="},
      {"HmacSHA3-224", "LlXZ7bj1XTLCMokb/700rO19fiDBG9BOct/UTQ=="},
      {"HmacSHA3-256", "O3sPU1Gw4hZqw1q/DyOX8n1ABa0RVEhbNCKdvVqikXA="},
      {"HmacSHA3-384", "NLpnotUcexhppwbuePf6AJjLCKnu3D8LnP8HHyBelNyQqXE+6QyckLSlL3w20++b"},
      {"HmacSHA3-512",
       "pWpn94Z/sg7NizdoIOs0U3TZBXUdUnf82HwehWQ6pUKjmJbNkr21Deu7wyrvWJgh/VDqN9PLBjxRWnoOednszA=="},
      {"SslMacMD5", "4a2aky/fBDVO12w53skGSw=="},
      {"SslMacSHA1", "aOenj1onDXd5G1berIWFJx9A/GY="},
      // Names as Mac.getInstance finds them: any case, OID aliases.
      {"hmacsha256", "WI7aS3JWQ3QuMmTLauNMuHtT2OQdBv1tQXLV83SzWjM="},
      {"1.2.840.113549.2.9", "WI7aS3JWQ3QuMmTLauNMuHtT2OQdBv1tQXLV83SzWjM="},
      {"OID.1.2.840.113549.2.9", "WI7aS3JWQ3QuMmTLauNMuHtT2OQdBv1tQXLV83SzWjM="},
  };
  for (const Case& c : cases) {
    absl::StatusOr<SignatureHeaders> h = SignRequest(TestKey(), "[]", c.algorithm);
    ASSERT_TRUE(h.ok()) << c.algorithm << ": " << h.status();
    EXPECT_EQ(h->signature, c.signature) << c.algorithm;
    EXPECT_EQ(h->algorithm, c.algorithm);
  }
}

TEST(RequestSignature, HashesAKeyLongerThanTheBlock) {
  std::string key;
  for (int i = 0; i < 100; ++i) key += static_cast<char>(255 - i);
  absl::StatusOr<SignatureHeaders> h = SignRequest(key, "[]", "HmacSHA256");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->signature, "BN7aVMPhFzOOcuAf1rAawZutASKhx+1IhQdtVDU8xcU=");
}

TEST(RequestSignature, PasswordBasedMacsRefuseARawKeyAsJavaDoes) {
  for (const char* algorithm : {"HmacPBESHA1", "PBEWithHmacSHA256"}) {
    absl::StatusOr<SignatureHeaders> h = SignRequest(TestKey(), "[]", algorithm);
    EXPECT_EQ(h.status().code(), absl::StatusCode::kFailedPrecondition) << algorithm;
    EXPECT_EQ(h.status().message(), "java.security.InvalidKeyException: Missing password");
  }
}

TEST(RequestSignature, UnknownAlgorithmIsNotAvailable) {
  for (const char* algorithm : {"HmacFoo", "", "SHA256"}) {
    absl::StatusOr<SignatureHeaders> h = SignRequest(TestKey(), "[]", algorithm);
    EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(h.status().message(), absl::StrCat("Algorithm ", algorithm, " not available"));
  }
}

TEST(RequestSignature, CanonicalNamesComeFromTheJvmTable) {
  EXPECT_EQ(CanonicalMacAlgorithm("HMACSHA512"), "HmacSHA512");
  EXPECT_EQ(CanonicalMacAlgorithm("oid.2.16.840.1.101.3.4.2.14"), "HmacSHA3-256");
  EXPECT_EQ(CanonicalMacAlgorithm("hmacpbesha1"), "HmacPBESHA1");
  EXPECT_EQ(CanonicalMacAlgorithm("HmacSHA256 "), std::nullopt);
}

TEST(RequestSignature, VerifiesWhatItReadsFromTheHeaders) {
  absl::StatusOr<std::optional<RequestSignature>> s = RequestSignature::FromHeaders(
      "HmacSHA256", "UuHpC2/sHJYYoUI3PFcX0p6KGZlWTRLtzLuMd8T0Hbw=", kTaskConfigsBody);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->algorithm(), "HmacSHA256");
  EXPECT_EQ((*s)->IsValid(TestKey()), absl::StatusOr<bool>(true));
  EXPECT_EQ((*s)->IsValid(std::string(32, '\0')), absl::StatusOr<bool>(false));

  // Another body, a truncated signature: invalid.
  absl::StatusOr<std::optional<RequestSignature>> other = RequestSignature::FromHeaders(
      "HmacSHA256", "UuHpC2/sHJYYoUI3PFcX0p6KGZlWTRLtzLuMd8T0Hbw=", "[]");
  EXPECT_EQ((*other)->IsValid(TestKey()), absl::StatusOr<bool>(false));
  absl::StatusOr<std::optional<RequestSignature>> truncated =
      RequestSignature::FromHeaders("HmacSHA256", "UuHpC2/sHJYY", kTaskConfigsBody);
  EXPECT_EQ((*truncated)->IsValid(TestKey()), absl::StatusOr<bool>(false));
}

TEST(RequestSignature, KeepsTheAlgorithmNameAsSent) {
  // Java's keyAlgorithm() is the name given to Mac.getInstance, so "hmacsha256" is then not in
  // inter.worker.verification.algorithms ([HmacSHA256]) even though it verifies.
  absl::StatusOr<std::optional<RequestSignature>> s = RequestSignature::FromHeaders(
      "hmacsha256", "WI7aS3JWQ3QuMmTLauNMuHtT2OQdBv1tQXLV83SzWjM=", "[]");
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((*s)->algorithm(), "hmacsha256");
  EXPECT_EQ((*s)->IsValid(TestKey()), absl::StatusOr<bool>(true));
}

TEST(RequestSignature, MissingHeaderMeansUnsigned) {
  EXPECT_EQ(RequestSignature::FromHeaders(std::nullopt, "YWJj", "[]")->has_value(), false);
  EXPECT_EQ(RequestSignature::FromHeaders("HmacSHA256", std::nullopt, "[]")->has_value(), false);
  // Checked only once both are there: a bad signature without an algorithm is no signature.
  EXPECT_EQ(RequestSignature::FromHeaders(std::nullopt, "!!", "[]")->has_value(), false);
}

TEST(RequestSignature, UnreadableHeadersGiveJavasBadRequestMessages) {
  struct Case {
    std::string algorithm;
    std::string signature;
    std::string message;
  };
  const Case cases[] = {
      {"HmacFoo", "abc", "Algorithm HmacFoo not available"},
      {"HmacFoo", "!!", "Algorithm HmacFoo not available"},  // the algorithm is checked first
      {"HmacSHA256", "!!", "Illegal base64 character 21"},
      // Several values of the header arrive joined with ",".
      {"HmacSHA256", "YWJj,ZGVm", "Illegal base64 character 2c"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::optional<RequestSignature>> s =
        RequestSignature::FromHeaders(c.algorithm, c.signature, "[]");
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << c.signature;
    EXPECT_EQ(s.status().message(), c.message);
  }
}

}  // namespace
}  // namespace sluice::distributed
