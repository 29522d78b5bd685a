// Expected results come from Kafka 3.9.1's JaasContext.loadClientContext run on the same text.
#include "server/kafka/jaas_config.h"

#include "gtest/gtest.h"

namespace sluice::kafka {
namespace {

TEST(JaasConfig, ReadsAPlainLoginWithEscapedQuotes) {
  absl::StatusOr<JaasLoginModule> m = ParseClientJaasConfig(
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" "
      "password=\"s3cr\\\"et\";");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->login_module, "org.apache.kafka.common.security.plain.PlainLoginModule");
  EXPECT_EQ(m->control_flag, "REQUIRED");
  EXPECT_EQ(m->options, (std::map<std::string, std::string>{{"password", "s3cr\"et"},
                                                            {"username", "alice"}}));
}

TEST(JaasConfig, TakesSingleQuotesCommentsWordsAndAnyCaseFlag) {
  absl::StatusOr<JaasLoginModule> m = ParseClientJaasConfig(
      "org.apache.kafka.common.security.scram.ScramLoginModule Required username='bob' "
      "password=\"p w\" /* c */ extra=word;");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->control_flag, "REQUIRED");
  EXPECT_EQ(m->options, (std::map<std::string, std::string>{
                            {"extra", "word"}, {"password", "p w"}, {"username", "bob"}}));
}

TEST(JaasConfig, DecodesEscapesAndSkipsLineComments) {
  absl::StatusOr<JaasLoginModule> m = ParseClientJaasConfig(
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"tab\\there\" "
      "// comment\n password=\"x\\101\";");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->options, (std::map<std::string, std::string>{{"password", "xA"},
                                                            {"username", "tab\there"}}));
}

TEST(JaasConfig, ReadsWordsWithDashesAndUnderscores) {
  absl::StatusOr<JaasLoginModule> m = ParseClientJaasConfig("x required a-b=c_d;");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->login_module, "x");
  EXPECT_EQ(m->options, (std::map<std::string, std::string>{{"a-b", "c_d"}}));
}

TEST(JaasConfig, ReadsAKerberosLogin) {
  absl::StatusOr<JaasLoginModule> m = ParseClientJaasConfig(
      "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true "
      "keyTab=\"/etc/k.keytab\" principal=\"connect@EX.COM\";");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->options, (std::map<std::string, std::string>{{"keyTab", "/etc/k.keytab"},
                                                            {"principal", "connect@EX.COM"},
                                                            {"storeKey", "true"},
                                                            {"useKeyTab", "true"}}));
}

TEST(JaasConfig, RefusesWhatKafkaRefusesWithItsMessages) {
  const std::pair<const char*, const char*> cases[] = {
      {"org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" "
       "password=123;",
       "Value not specified for key 'password' in JAAS config"},
      {"org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\"",
       "JAAS config entry not terminated by semi-colon"},
      {"org.apache.kafka.common.security.plain.PlainLoginModule always;",
       "Invalid login module control flag 'always' in JAAS config"},
      {"org.apache.kafka.common.security.plain.PlainLoginModule",
       "Login module control flag not specified in JAAS config"},
      {"", "Login module not specified in JAAS config"},
      {"a required; b required;", "JAAS config property contains 2 login modules, should be 1 module"},
      {"x required key = -;", "Value not specified for key 'key' in JAAS config"},
  };
  for (const auto& [text, message] : cases) {
    absl::StatusOr<JaasLoginModule> m = ParseClientJaasConfig(text);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(m.status().message(), message) << text;
  }
}

}  // namespace
}  // namespace sluice::kafka
