// FileStreamSinkConnector and FileStreamSinkTask.
#include "connectors/file/file_stream_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sluice/sdk/java_text.h"

namespace sluice::connectors::file {
namespace {

// Within one Put, lines are written out once this much is buffered; every Put ends with a
// write, so each record is in the file when Put returns, as with Kafka Connect's file sink (its
// PrintStream writes every line through to the file).
constexpr size_t kWriteThreshold = size_t{1} << 20;

}  // namespace

// ---- FileStreamSinkConnector ----------------------------------------------------------------

ConfigDef FileStreamSinkConnector::ConfigDefinition() {
  ConfigDef def;
  def.Define({.name = kFileConfig,
              .type = ConfigType::kString,
              .null_default = true,
              .importance = ConfigImportance::kHigh,
              .documentation =
                  "Destination filename. If not specified, the standard output will be used"});
  return def;
}

absl::Status FileStreamSinkConnector::Start(ConnectorContext& context, const ConfigMap& config) {
  absl::StatusOr<ParsedConfig> parsed = ConfigDefinition().Parse(config);
  if (!parsed.ok()) return parsed.status();
  config_ = config;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ConfigMap>> FileStreamSinkConnector::TaskConfigs(int max_tasks) {
  return std::vector<ConfigMap>(static_cast<size_t>(std::max(0, max_tasks)), config_);
}

absl::StatusOr<bool> FileStreamSinkConnector::AlterOffsets(const ConfigMap& config,
                                                           const SinkOffsetChanges& offsets) {
  (void)config;
  (void)offsets;
  return true;
}

// ---- FileStreamSinkTask ---------------------------------------------------------------------

FileStreamSinkTask::~FileStreamSinkTask() {
  absl::MutexLock lock(&mu_);
  if (owns_fd_ && fd_ >= 0) close(fd_);
}

absl::Status FileStreamSinkTask::Start(SinkTaskContext& context, const ConfigMap& config) {
  absl::StatusOr<ParsedConfig> parsed = FileStreamSinkConnector::ConfigDefinition().Parse(config);
  if (!parsed.ok()) return parsed.status();
  std::optional<std::string> file = parsed->GetOptionalString(kFileConfig);
  absl::MutexLock lock(&mu_);
  if (!file.has_value()) {
    fd_ = STDOUT_FILENO;
    owns_fd_ = false;
    name_ = "stdout";
    return absl::OkStatus();
  }
  const int fd = open(file->c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::ErrnoToStatus(
        errno, absl::StrCat("Couldn't find or create file '", *file, "' for FileStreamSinkTask"));
  }
  fd_ = fd;
  owns_fd_ = true;
  name_ = *file;
  return absl::OkStatus();
}

absl::Status FileStreamSinkTask::Put(std::vector<SinkRecord> records) {
  absl::MutexLock lock(&mu_);
  if (fd_ < 0) return absl::FailedPreconditionError("FileStreamSinkTask is not started");
  for (const SinkRecord& record : records) {
    AppendJavaToString(record.value_schema.get(), record.value, buffer_);
    buffer_ += '\n';
    if (buffer_.size() >= kWriteThreshold) {
      absl::Status written = WriteBufferLocked();
      if (!written.ok()) return written;
    }
  }
  return WriteBufferLocked();
}

absl::Status FileStreamSinkTask::Flush(const TopicPartitionOffsets& offsets) {
  absl::MutexLock lock(&mu_);
  return WriteBufferLocked();
}

absl::Status FileStreamSinkTask::Stop() {
  absl::MutexLock lock(&mu_);
  absl::Status written = WriteBufferLocked();
  if (owns_fd_ && fd_ >= 0) close(fd_);
  fd_ = -1;
  owns_fd_ = false;
  return written;
}

absl::Status FileStreamSinkTask::WriteBufferLocked() {
  size_t done = 0;
  while (done < buffer_.size()) {
    if (fd_ < 0) return absl::FailedPreconditionError("FileStreamSinkTask is not started");
    const ssize_t n = write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      buffer_.erase(0, done);
      return absl::ErrnoToStatus(err, absl::StrCat("Writing to ", name_));
    }
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return absl::OkStatus();
}

}  // namespace sluice::connectors::file
