// What plugins answered to Describe, kept on disk so that a worker starts without starting a
// host per plugin (a Python plugin's host takes about 350 ms to answer).
//
// An entry belongs to one plugin directory and holds the fingerprint of what produced the answer:
// every file under the directory (path, size, modification time; __pycache__ left out), the
// plugin host binary and the runtime files the host runs it with (a Java plugin's JVM plugin
// host jar and its JDK's `release` file). A fingerprint that differs in anything is a miss, and the registry asks the
// plugin again. Only answers of plugins that described themselves are stored.
//
//   DescribeCache cache("/home/me/.cache/sluice/plugins");
//   absl::StatusOr<std::string> fingerprint = PluginFingerprint(dir, host_binary);
//   if (std::optional<PluginDescription> hit = cache.Load(dir, *fingerprint)) { ... }
//   ... Describe ...; (void)cache.Store(dir, *fingerprint, description);
//
// Thread-safe (entries are written to a temporary file and renamed into place).
#ifndef SLUICE_SERVER_PLUGINS_DESCRIBE_CACHE_H_
#define SLUICE_SERVER_PLUGINS_DESCRIBE_CACHE_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/plugin/v1/plugin.pb.h"

namespace sluice::plugins {

// A plugin's Describe answer and the capabilities its host named in the handshake.
struct PluginDescription {
  sluice::plugin::v1::DescribeResponse describe;
  std::set<std::string> capabilities;
};

// The fingerprint of `plugin_dir` (a directory, or a single jar: Kafka Connect's uber-jar
// plugin) as served by `host_binary` and the `runtime_files` it runs the plugin with (a Java
// plugin's sluice-jvm-host.jar): one line per file. NotFound when the directory cannot be read;
// ResourceExhausted when it holds more files than is reasonable to stat at every start (such a
// plugin is described each time).
absl::StatusOr<std::string> PluginFingerprint(const std::string& plugin_dir,
                                              const std::string& host_binary,
                                              const std::vector<std::string>& runtime_files = {});

class DescribeCache {
 public:
  // `dir` holds the entries (created when needed). Empty: the cache is off (Load misses, Store
  // does nothing).
  explicit DescribeCache(std::string dir) : dir_(std::move(dir)) {}

  // The stored description of `plugin_dir` when it was stored with this `fingerprint`.
  std::optional<PluginDescription> Load(const std::string& plugin_dir,
                                        const std::string& fingerprint) const;
  // Stores `description`; an error says why it could not be written (the caller logs it; a
  // worker works without its cache).
  absl::Status Store(const std::string& plugin_dir, const std::string& fingerprint,
                     const PluginDescription& description) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string EntryPath(const std::string& plugin_dir) const;

  const std::string dir_;
};

}  // namespace sluice::plugins

#endif  // SLUICE_SERVER_PLUGINS_DESCRIBE_CACHE_H_
