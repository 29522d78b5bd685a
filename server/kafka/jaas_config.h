// Parsing a Kafka client's sasl.jaas.config as Kafka's JaasConfig does (a java.io.StreamTokenizer
// over "<LoginModule> <flag> key="value" ...;"), so that Sluice can hand librdkafka the
// credentials a Java client would log in with.
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_KAFKA_JAAS_CONFIG_H_
#define SLUICE_SERVER_KAFKA_JAAS_CONFIG_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sluice::kafka {

struct JaasLoginModule {
  std::string login_module;  // e.g. org.apache.kafka.common.security.plain.PlainLoginModule
  std::string control_flag;  // REQUIRED, REQUISITE, SUFFICIENT or OPTIONAL
  std::map<std::string, std::string> options;
};

// The one login module of a client's JAAS config. InvalidArgument with Kafka's message for text
// JaasConfig refuses ("JAAS config entry not terminated by semi-colon", "Value not specified for
// key 'password' in JAAS config", ...) and for a config with other than one module ("JAAS config
// property contains 2 login modules, should be 1 module").
absl::StatusOr<JaasLoginModule> ParseClientJaasConfig(std::string_view text);

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_JAAS_CONFIG_H_
