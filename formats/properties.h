// Reading Kafka Connect's configuration files: Java .properties files (worker and connector
// configs) and connector JSON files (a flat string map, or a CreateConnectorRequest with
// "name", "config" and "initial_state").
//
// Thread-safe (pure functions).
#ifndef SLUICE_FORMATS_PROPERTIES_H_
#define SLUICE_FORMATS_PROPERTIES_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"

namespace sluice::formats {

// Parses Java properties text: `key=value`, `key: value` or `key value`; `#` and `!` comments;
// a trailing backslash continues a line; escapes \t \n \r \f \\ \uXXXX. A key given again later
// overrides the earlier one, as java.util.Properties does. InvalidArgument for a malformed
// \u escape, naming the line.
absl::StatusOr<ConfigMap> ParseProperties(std::string_view text);

// A connector definition read from a file given on the command line.
struct ConnectorFile {
  std::string name;
  ConfigMap config;
  std::optional<std::string> initial_state;  // RUNNING / PAUSED / STOPPED, as given
};

// Reads a connector file: `*.json` as a flat string map or a CreateConnectorRequest, anything
// else as properties. The name comes from "name" (request) or the config's "name" key; it is
// empty when the file gives none (callers may supply one). NotFound when the file cannot be
// read; InvalidArgument for malformed content.
absl::StatusOr<ConnectorFile> ReadConnectorFile(const std::string& path);

// Reads a worker properties file. NotFound / InvalidArgument as above.
absl::StatusOr<ConfigMap> ReadPropertiesFile(const std::string& path);

}  // namespace sluice::formats

#endif  // SLUICE_FORMATS_PROPERTIES_H_
