// Source-connector offsets. Keys and values are the exact bytes Kafka Connect puts in its
// offsets topic (reference §3.3): key `["<connector>",{<partition>}]`, value `{<offset>}`, both
// written by the internal schemaless JsonConverter. Comparing keys by bytes is what Kafka
// Connect does too.
#ifndef SLUICE_SERVER_STORE_OFFSET_STORE_H_
#define SLUICE_SERVER_STORE_OFFSET_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace sluice::store {

// One write: a value, or nullopt for a tombstone (reset).
using OffsetWrite = std::pair<std::string, std::optional<std::string>>;

// Implementations are thread-safe.
class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  // The stored value for `key`, or nullopt.
  virtual std::optional<std::string> Get(absl::string_view key) const = 0;
  // Applies `writes` in order and returns once they are durable. On error the file and memory
  // stores applied nothing; the Kafka store may have written some of them (Kafka has no undo,
  // and Kafka Connect's offset writer has the same window), which at-least-once delivery
  // tolerates: the next commit writes them again.
  virtual absl::Status Write(const std::vector<OffsetWrite>& writes) = 0;
  // Every stored entry, sorted by key.
  virtual std::vector<std::pair<std::string, std::string>> All() const = 0;
};

// Offsets in `offset.storage.file.filename`. Every Write rewrites the file atomically (write,
// fsync, rename), so a crash leaves the previous or the new set. The format is Sluice's own
// JSON ({"format":"sluice-offsets-v1","offsets":[[key,value],...]}, keys and values as JSON
// strings holding the exact offset bytes), not Java serialisation: see docs/configuration.md.
class FileOffsetStore final : public OffsetStore {
 public:
  // Loads the file if it exists. InvalidArgument when it exists but is not ours or is corrupt.
  static absl::StatusOr<std::unique_ptr<FileOffsetStore>> Open(std::string path);

  std::optional<std::string> Get(absl::string_view key) const override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Write(const std::vector<OffsetWrite>& writes) override ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<std::pair<std::string, std::string>> All() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  explicit FileOffsetStore(std::string path) : path_(std::move(path)) {}
  std::string Serialize(const absl::flat_hash_map<std::string, std::string>& entries) const;

  const std::string path_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::string> entries_ ABSL_GUARDED_BY(mu_);
};

// Offsets in memory only: for tests.
class MemoryOffsetStore final : public OffsetStore {
 public:
  std::optional<std::string> Get(absl::string_view key) const override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Write(const std::vector<OffsetWrite>& writes) override ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<std::pair<std::string, std::string>> All() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::string> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_OFFSET_STORE_H_
