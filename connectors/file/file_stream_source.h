// FileStreamSourceConnector and FileStreamSourceTask: Kafka Connect's file source on the C++
// SDK. Each line of a file (or of stdin) becomes one record with a STRING value.
//
// Offsets follow Kafka Connect's, so a worker can take over a Java worker's offsets: source
// partition {"filename": <file>}, source offset {"position": <n>} where n counts the Java chars
// (UTF-16 code units) consumed so far, line terminators included. Reading stdin tracks no
// offsets.
#ifndef SLUICE_CONNECTORS_FILE_FILE_STREAM_SOURCE_H_
#define SLUICE_CONNECTORS_FILE_FILE_STREAM_SOURCE_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/records.h"

namespace sluice::connectors::file {

// The version both file connectors report: the Kafka release whose behaviour they follow.
inline constexpr char kFileConnectorVersion[] = "3.9.0";

inline constexpr char kFileConfig[] = "file";
inline constexpr char kTopicConfig[] = "topic";
inline constexpr char kBatchSizeConfig[] = "batch.size";
inline constexpr char kFilenameField[] = "filename";
inline constexpr char kPositionField[] = "position";

// Thread-compatible (the host calls it from one thread at a time).
class FileStreamSourceConnector final : public SourceConnector {
 public:
  static ConfigDef ConfigDefinition();

  std::string Version() const override { return kFileConnectorVersion; }
  ConfigDef Config() const override { return ConfigDefinition(); }
  // InvalidArgument when the config does not parse (e.g. no topic).
  absl::Status Start(ConnectorContext& context, const ConfigMap& config) override;
  // One task, whatever `max_tasks` is: a file has one reader. Its config is the connector's.
  absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int max_tasks) override;
  absl::Status Stop() override { return absl::OkStatus(); }
  // Kafka Connect's checks: the connector must read a file (not stdin), and every offset that
  // is not a reset must hold a non-negative int64 "position" for a partition with a "filename".
  // InvalidArgument with Kafka Connect's message otherwise. True: nothing external to alter;
  // the task checks the position against the file when it starts.
  absl::StatusOr<bool> AlterOffsets(const ConfigMap& config,
                                    const SourceOffsetChanges& offsets) override;

 private:
  ConfigMap config_;
};

// Confined to the task thread, except Stop(), which may come from any thread and makes a
// waiting Poll() return promptly.
class FileStreamSourceTask final : public SourceTask {
 public:
  // `max_wait`: how long Poll() waits for new data before it returns no records.
  explicit FileStreamSourceTask(absl::Duration max_wait = absl::Seconds(1));
  ~FileStreamSourceTask() override;
  FileStreamSourceTask(const FileStreamSourceTask&) = delete;
  FileStreamSourceTask& operator=(const FileStreamSourceTask&) = delete;

  // InvalidArgument for a bad config; Internal when the wake-up descriptor cannot be made.
  absl::Status Start(SourceTaskContext& context, const ConfigMap& config) override;
  // Up to batch.size records. The file is opened (and the stored offset read and skipped) on the
  // first call; while the file does not exist, each call waits and returns nothing. Errors:
  // the file cannot be opened or read (errno's code), the stored offset cannot be read
  // (Unavailable) or is not a non-negative integer (InvalidArgument).
  absl::StatusOr<std::vector<SourceRecord>> Poll() override;
  absl::Status Stop() override;

 private:
  // Opens the file (or stdin) and reads the stored offset. OK with fd_ < 0: no such file yet.
  absl::Status Open();
  // Reads what is available into the buffer. Returns the number of bytes read (0: none now).
  absl::StatusOr<size_t> ReadMore();
  // Waits until `deadline`, Stop(), or (for a pipe) readable input, whichever comes first; a
  // regular file is checked again after recheck_, which grows while the file stays idle.
  void Wait(absl::Time deadline);
  // Consumes skip_units_ chars of buffered input; false while some remain to skip.
  bool SkipBuffered();
  // Takes the next complete line out of the buffer into `line` (without its terminator).
  bool ExtractLine(std::string& line);

  const absl::Duration max_wait_;
  SourceTaskContext* context_ = nullptr;
  std::optional<std::string> filename_;  // nullopt: stdin
  std::string topic_;
  int batch_size_ = 2000;

  int fd_ = -1;
  bool owns_fd_ = false;
  bool is_regular_file_ = false;
  bool input_closed_ = false;  // a pipe reached EOF
  Value source_partition_;     // null for stdin
  std::optional<int64_t> stream_offset_;  // chars consumed; nullopt for stdin
  int64_t skip_units_ = 0;     // chars still to skip after resuming from an offset

  std::vector<char> buffer_;
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // one past the last byte read

  std::atomic<bool> stopped_{false};
  int wake_fd_ = -1;  // eventfd written by Stop()
  // How long a wait on an idle regular file lasts before it is read again: 50 ms after new
  // data, doubling while nothing comes, up to 1 s (Kafka's FileStreamSourceTask waits 1 s).
  absl::Duration recheck_;
};

}  // namespace sluice::connectors::file

#endif  // SLUICE_CONNECTORS_FILE_FILE_STREAM_SOURCE_H_
