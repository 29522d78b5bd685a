// FileStreamSourceConnector and FileStreamSourceTask.
#include "connectors/file/file_stream_source.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sluice/sdk/log.h"

namespace sluice::connectors::file {
namespace {

constexpr char kLogger[] = "FileStreamSourceTask";
// Reads are large: this is the hot path of a file source.
constexpr size_t kReadSize = size_t{1} << 20;
// How often a regular file is checked for new data while Poll() waits: soon after data came,
// less and less often while none does.
constexpr absl::Duration kRecheckInterval = absl::Milliseconds(50);
constexpr absl::Duration kMaxRecheckInterval = absl::Seconds(1);

// The length of the UTF-8 sequence starting at `p` (at most `n` bytes available), and the
// UTF-16 code units it decodes to. len 0: incomplete, more input needed. units 0: malformed
// (one byte is consumed and replaced by U+FFFD).
struct Utf8Char {
  size_t len;
  int units;
};

Utf8Char DecodeUtf8(const unsigned char* p, size_t n) {
  const unsigned char b = p[0];
  if (b < 0x80) return {1, 1};
  size_t len;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;  // no overlong forms
    if (b == 0xED) hi = 0x9F;  // no surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;  // <= U+10FFFF
  } else {
    return {1, 0};
  }
  for (size_t i = 1; i < len; ++i) {
    if (i >= n) return {0, 0};
    const unsigned char c = p[i];
    if (c < (i == 1 ? lo : 0x80) || c > (i == 1 ? hi : 0xBF)) return {1, 0};
  }
  return {len, len == 4 ? 2 : 1};
}

// Eight bytes at a time: this runs over every byte the source reads.
bool IsAscii(const char* p, size_t n) {
  uint64_t acc = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, sizeof(word));
    acc |= word;
  }
  for (; i < n; ++i) acc |= static_cast<unsigned char>(p[i]);
  return (acc & 0x8080808080808080ULL) == 0;
}

// Copies a line into `out` as valid UTF-8 (malformed bytes become U+FFFD, as Java's decoder
// does) and returns its length in UTF-16 code units.
int64_t DecodeLine(const char* p, size_t n, std::string& out) {
  if (IsAscii(p, n)) {
    out.assign(p, n);
    return static_cast<int64_t>(n);
  }
  out.clear();
  out.reserve(n);
  int64_t units = 0;
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  size_t i = 0;
  while (i < n) {
    Utf8Char c = DecodeUtf8(u + i, n - i);
    if (c.units == 0) {
      out += "\xEF\xBF\xBD";
      units += 1;
      i += 1;
      continue;
    }
    out.append(p + i, c.len);
    units += c.units;
    i += c.len;
  }
  return units;
}

int64_t NowMillis() { return absl::ToUnixMillis(absl::Now()); }

}  // namespace

// ---- FileStreamSourceConnector --------------------------------------------------------------

ConfigDef FileStreamSourceConnector::ConfigDefinition() {
  ConfigDef def;
  def.Define({.name = kFileConfig,
              .type = ConfigType::kString,
              .null_default = true,
              .importance = ConfigImportance::kHigh,
              .documentation = "Source filename. If not specified, the standard input will be used"});
  def.Define({.name = kTopicConfig,
              .type = ConfigType::kString,
              .validator = validators::NonEmptyString(),
              .validator_doc = "non-empty string",
              .importance = ConfigImportance::kHigh,
              .documentation = "The topic to publish data to"});
  def.Define({.name = kBatchSizeConfig,
              .type = ConfigType::kInt,
              .default_value = "2000",
              .importance = ConfigImportance::kLow,
              .documentation = "The maximum number of records the source task can read from the "
                               "file each time it is polled"});
  return def;
}

absl::Status FileStreamSourceConnector::Start(ConnectorContext& context, const ConfigMap& config) {
  absl::StatusOr<ParsedConfig> parsed = ConfigDefinition().Parse(config);
  if (!parsed.ok()) return parsed.status();
  config_ = config;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ConfigMap>> FileStreamSourceConnector::TaskConfigs(int max_tasks) {
  return std::vector<ConfigMap>{config_};
}

absl::StatusOr<bool> FileStreamSourceConnector::AlterOffsets(const ConfigMap& config,
                                                             const SourceOffsetChanges& offsets) {
  auto file = config.find(kFileConfig);
  if (file == config.end() || file->second.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Offsets cannot be modified if the '", kFileConfig,
        "' configuration is unspecified. This is because stdin is used for input and offsets "
        "are not tracked."));
  }
  // The connector reads one partition, its file; partitions of earlier configs may remain.
  for (const SourceOffsetChange& change : offsets) {
    // Resets are fine for anything, so that garbage can always be cleaned up.
    if (!change.offset.has_value() || change.offset->is_null()) continue;
    const Value* position =
        change.offset->kind() == Value::Kind::kMap ? change.offset->Find(kPositionField) : nullptr;
    if (position == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Offset objects should either be null or contain the key '", kPositionField, "'"));
    }
    // Offsets arrive normalised as the offset store keeps them: whole numbers are int64
    // (Java's Long); anything else is not a position.
    if (position->kind() != Value::Kind::kInt64) {
      return absl::InvalidArgumentError(absl::StrCat("The value for the '", kPositionField,
                                                     "' key in the offset is expected to be a "
                                                     "Long value"));
    }
    if (position->integer() < 0) {
      return absl::InvalidArgumentError(absl::StrCat("The value for the '", kPositionField,
                                                     "' key in the offset should be a "
                                                     "non-negative value"));
    }
    if (change.partition.is_null()) {
      return absl::InvalidArgumentError("Partition objects cannot be null");
    }
    if (change.partition.kind() != Value::Kind::kMap ||
        change.partition.Find(kFilenameField) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("Partition objects should contain the key '", kFilenameField, "'"));
    }
  }
  return true;
}

// ---- FileStreamSourceTask -------------------------------------------------------------------

FileStreamSourceTask::FileStreamSourceTask(absl::Duration max_wait)
    : max_wait_(max_wait), recheck_(kRecheckInterval) {}

FileStreamSourceTask::~FileStreamSourceTask() {
  if (owns_fd_ && fd_ >= 0) close(fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

absl::Status FileStreamSourceTask::Start(SourceTaskContext& context, const ConfigMap& config) {
  absl::StatusOr<ParsedConfig> parsed = FileStreamSourceConnector::ConfigDefinition().Parse(config);
  if (!parsed.ok()) return parsed.status();
  context_ = &context;
  filename_ = parsed->GetOptionalString(kFileConfig);
  if (filename_.has_value() && filename_->empty()) filename_.reset();
  topic_ = parsed->GetString(kTopicConfig);
  batch_size_ = std::max(1, parsed->GetInt(kBatchSizeConfig));
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) return absl::ErrnoToStatus(errno, "FileStreamSourceTask: eventfd");
  buffer_.resize(kReadSize);
  return absl::OkStatus();
}

absl::Status FileStreamSourceTask::Open() {
  if (!filename_.has_value()) {
    fd_ = STDIN_FILENO;
    owns_fd_ = false;
    is_regular_file_ = false;
    stream_offset_.reset();
    source_partition_ = Value();
    Log(LogLevel::kDebug, kLogger, "Reading from stdin");
    return absl::OkStatus();
  }
  const int fd = open(filename_->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return absl::ErrnoToStatus(errno, absl::StrCat("Couldn't open file ", *filename_,
                                                   " for FileStreamSourceTask"));
  }
  struct stat st;
  is_regular_file_ = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);

  source_partition_ = Value::Map({MapEntry{Value::String(kFilenameField), Value::String(*filename_)}});
  absl::StatusOr<std::optional<Value>> stored =
      context_->offset_storage_reader().Offset(source_partition_);
  if (!stored.ok()) {
    close(fd);
    return absl::Status(stored.status().code(),
                        absl::StrCat("Reading the stored offset of ", *filename_, ": ",
                                     stored.status().message()));
  }
  int64_t position = 0;
  if (stored->has_value()) {
    const Value* p = (*stored)->Find(kPositionField);
    if (p != nullptr && !p->is_null()) {
      if (!p->is_integer() || p->integer() < 0) {
        close(fd);
        return absl::InvalidArgumentError(
            absl::StrCat("Offset position is the incorrect type for ", *filename_,
                         ": expected a non-negative integer"));
      }
      position = p->integer();
      Log(LogLevel::kDebug, kLogger,
          absl::StrCat("Found previous offset, skipping to position ", position));
    }
  }
  fd_ = fd;
  owns_fd_ = true;
  stream_offset_ = position;
  skip_units_ = position;
  Log(LogLevel::kDebug, kLogger, absl::StrCat("Opened ", *filename_, " for reading"));
  return absl::OkStatus();
}

absl::StatusOr<size_t> FileStreamSourceTask::ReadMore() {
  if (input_closed_) return 0;
  if (!is_regular_file_) {
    // A pipe or terminal: read only what is there, never block.
    pollfd pfd{fd_, POLLIN, 0};
    if (poll(&pfd, 1, 0) <= 0) return 0;
  }
  // Only a partial line is left: move it to the front, and grow when a line fills the buffer.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  for (;;) {
    const ssize_t n = read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      return static_cast<size_t>(n);
    }
    if (n == 0) {
      if (!is_regular_file_) input_closed_ = true;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return absl::ErrnoToStatus(errno, absl::StrCat("Error reading ", filename_.value_or("stdin")));
  }
}

void FileStreamSourceTask::Wait(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return;
  pollfd fds[2];
  nfds_t count = 0;
  fds[count++] = pollfd{wake_fd_, POLLIN, 0};
  absl::Duration timeout = left;
  if (fd_ >= 0 && !is_regular_file_ && !input_closed_) {
    fds[count++] = pollfd{fd_, POLLIN, 0};
  } else {
    // An idle source then costs a read every second or so instead of twenty (100 idle file
    // sources had cost ~15% of a core at 50 ms). inotify would cost nothing between appends, but
    // each watcher takes one of the user's few inotify instances (128 by default), which the
    // sandbox needs for its own bookkeeping of every host.
    timeout = std::min(timeout, recheck_);
    recheck_ = std::min(recheck_ * 2, kMaxRecheckInterval);
  }
  const int64_t ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(absl::Ceil(timeout, absl::Milliseconds(1))));
  poll(fds, count, static_cast<int>(ms));
}

bool FileStreamSourceTask::SkipBuffered() {
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data());
  while (skip_units_ > 0 && begin_ < end_) {
    Utf8Char c = DecodeUtf8(p + begin_, end_ - begin_);
    if (c.len == 0) return false;  // a char split across reads
    begin_ += c.len;
    skip_units_ -= std::max(c.units, 1);
  }
  if (skip_units_ < 0) skip_units_ = 0;  // the offset fell inside a surrogate pair
  return skip_units_ == 0;
}

bool FileStreamSourceTask::ExtractLine(std::string& line) {
  if (skip_units_ > 0 && !SkipBuffered()) return false;
  const char* p = buffer_.data() + begin_;
  const size_t n = end_ - begin_;
  if (n == 0) return false;
  const auto* nl = static_cast<const char*>(std::memchr(p, '\n', n));
  const size_t search = nl != nullptr ? static_cast<size_t>(nl - p) : n;
  const auto* cr = static_cast<const char*>(std::memchr(p, '\r', search));
  size_t line_len;
  size_t terminator_len;
  if (cr != nullptr) {
    line_len = static_cast<size_t>(cr - p);
    // "\r" ends a line too; wait for the next char to tell "\r" from "\r\n".
    if (line_len + 1 >= n) return false;
    terminator_len = p[line_len + 1] == '\n' ? 2 : 1;
  } else if (nl != nullptr) {
    line_len = search;
    terminator_len = 1;
  } else {
    return false;
  }
  const int64_t units = DecodeLine(p, line_len, line);
  begin_ += line_len + terminator_len;
  if (stream_offset_.has_value()) *stream_offset_ += units + static_cast<int64_t>(terminator_len);
  return true;
}

absl::StatusOr<std::vector<SourceRecord>> FileStreamSourceTask::Poll() {
  std::vector<SourceRecord> records;
  if (stopped_.load(std::memory_order_acquire) || context_ == nullptr) return records;
  const absl::Time deadline = absl::Now() + max_wait_;
  if (fd_ < 0) {
    absl::Status opened = Open();
    if (!opened.ok()) return opened;
    if (fd_ < 0) {
      Log(LogLevel::kWarn, kLogger,
          absl::StrCat("Couldn't find file ", *filename_,
                       " for FileStreamSourceTask, sleeping to wait for it to be created"));
      while (!stopped_.load(std::memory_order_acquire) && absl::Now() < deadline) Wait(deadline);
      return records;
    }
  }
  int64_t now_ms = NowMillis();
  records.reserve(static_cast<size_t>(std::min(batch_size_, 4096)));
  std::string line;
  for (;;) {
    while (static_cast<int>(records.size()) < batch_size_ && ExtractLine(line)) {
      SourceRecord& r = records.emplace_back();
      r.source_partition = source_partition_;
      if (stream_offset_.has_value()) {
        r.source_offset =
            Value::Map({MapEntry{Value::String(kPositionField), Value::Int64(*stream_offset_)}});
      }
      r.topic = topic_;
      r.value_schema = Schema::String();
      r.value = Value::String(std::move(line));
      r.timestamp_ms = now_ms;
    }
    if (static_cast<int>(records.size()) >= batch_size_) return records;
    absl::StatusOr<size_t> read = ReadMore();
    if (!read.ok()) return read.status();
    if (*read > 0) {
      now_ms = NowMillis();
      recheck_ = kRecheckInterval;
      continue;
    }
    // Nothing more for now: hand over what there is, or wait a while for new data.
    if (!records.empty() || stopped_.load(std::memory_order_acquire) || absl::Now() >= deadline) {
      return records;
    }
    Wait(deadline);
  }
}

absl::Status FileStreamSourceTask::Stop() {
  stopped_.store(true, std::memory_order_release);
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    // The eventfd counter cannot overflow from a few Stop() calls; a failed write only means a
    // waiting Poll() returns at its next recheck.
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
  }
  return absl::OkStatus();
}

}  // namespace sluice::connectors::file
