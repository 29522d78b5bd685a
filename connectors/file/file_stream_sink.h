// FileStreamSinkConnector and FileStreamSinkTask: Kafka Connect's file sink on the C++ SDK.
// Each record's value is written as one line of text, Java's String.valueOf(value) (see
// sluice/sdk/java_text.h), to a file, opened with
// create + append, or to stdout.
#ifndef SLUICE_CONNECTORS_FILE_FILE_STREAM_SINK_H_
#define SLUICE_CONNECTORS_FILE_FILE_STREAM_SINK_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "connectors/file/file_stream_source.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/records.h"

namespace sluice::connectors::file {

// Thread-compatible (the host calls it from one thread at a time).
class FileStreamSinkConnector final : public SinkConnector {
 public:
  static ConfigDef ConfigDefinition();

  std::string Version() const override { return kFileConnectorVersion; }
  ConfigDef Config() const override { return ConfigDefinition(); }
  absl::Status Start(ConnectorContext& context, const ConfigMap& config) override;
  // `max_tasks` identical task configs, each the connector's config.
  absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int max_tasks) override;
  absl::Status Stop() override { return absl::OkStatus(); }
  // True, as Kafka Connect's: the sink keeps no offsets of its own and needs no checks.
  absl::StatusOr<bool> AlterOffsets(const ConfigMap& config,
                                    const SinkOffsetChanges& offsets) override;

 private:
  ConfigMap config_;
};

// Thread-safe: Put and Flush come from the task thread, Stop may come from another one.
class FileStreamSinkTask final : public SinkTask {
 public:
  FileStreamSinkTask() = default;
  ~FileStreamSinkTask() override;
  FileStreamSinkTask(const FileStreamSinkTask&) = delete;
  FileStreamSinkTask& operator=(const FileStreamSinkTask&) = delete;

  // Opens `file` (create + append) or uses stdout. Errors: InvalidArgument for a bad config,
  // errno's code when the file cannot be opened.
  absl::Status Start(SinkTaskContext& context, const ConfigMap& config) override;
  // Buffers one line per record; writes out when the buffer is large. FailedPrecondition after
  // Stop.
  absl::Status Put(std::vector<SinkRecord> records) override;
  // Hands every buffered line to the OS (write(2); no fsync, as the Java sink).
  absl::Status Flush(const TopicPartitionOffsets& offsets) override;
  // Writes what is buffered and closes the file.
  absl::Status Stop() override;

 private:
  absl::Status WriteBufferLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::string name_ ABSL_GUARDED_BY(mu_) = "stdout";  // for messages
  int fd_ ABSL_GUARDED_BY(mu_) = -1;
  bool owns_fd_ ABSL_GUARDED_BY(mu_) = false;
  std::string buffer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::connectors::file

#endif  // SLUICE_CONNECTORS_FILE_FILE_STREAM_SINK_H_
