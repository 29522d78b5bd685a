// Kafka Connect's transforms' util.SimpleConfig: a transform's config parsed against its
// ConfigDef the way AbstractConfig does when a transform is configured, failing on the first key
// in definition order that is missing, unparsable or invalid, with that ConfigException's
// message.
//
// Thread-safety: a pure function.
#ifndef SLUICE_SERVER_TRANSFORMS_SIMPLE_CONFIG_H_
#define SLUICE_SERVER_TRANSFORMS_SIMPLE_CONFIG_H_

#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"

namespace sluice::transforms {

// The parsed values of every key `def` defines. A ConfigException (convert::ConfigError) for
// the first key that fails.
absl::StatusOr<ParsedConfig> ParseSimpleConfig(const ConfigDef& def, const ConfigMap& props);

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_SIMPLE_CONFIG_H_
