#include "server/distributed/kafka_wire.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace sluice::distributed {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr size_t kMaxStringBytes = std::numeric_limits<int16_t>::max();

// Java's message when a fixed-size read runs past the end of the buffer.
constexpr std::string_view kUnderflow = "java.nio.BufferUnderflowException";

template <typename T>
void AppendBigEndian(std::string& out, T v) {
  using U = std::make_unsigned_t<T>;
  const U u = static_cast<U>(v);
  for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((u >> shift) & 0xff));
  }
}

template <typename T>
T ParseBigEndian(std::string_view bytes) {
  using U = std::make_unsigned_t<T>;
  U u = 0;
  for (char c : bytes) u = static_cast<U>((u << 8) | static_cast<unsigned char>(c));
  return static_cast<T>(u);
}

}  // namespace

std::string_view ApiKeyName(ApiKey key) {
  switch (key) {
    case ApiKey::kFindCoordinator: return "FindCoordinator";
    case ApiKey::kJoinGroup: return "JoinGroup";
    case ApiKey::kHeartbeat: return "Heartbeat";
    case ApiKey::kLeaveGroup: return "LeaveGroup";
    case ApiKey::kSyncGroup: return "SyncGroup";
    case ApiKey::kSaslHandshake: return "SaslHandshake";
    case ApiKey::kApiVersions: return "ApiVersions";
    case ApiKey::kSaslAuthenticate: return "SaslAuthenticate";
  }
  return "Unknown";
}

// ---- WireWriter

void WireWriter::Int8(int8_t v) { AppendBigEndian(out_, v); }
void WireWriter::Int16(int16_t v) { AppendBigEndian(out_, v); }
void WireWriter::Int32(int32_t v) { AppendBigEndian(out_, v); }
void WireWriter::Int64(int64_t v) { AppendBigEndian(out_, v); }

void WireWriter::Fail(std::string_view field, std::string_view detail) {
  if (!status_.ok()) return;
  status_ = absl::InvalidArgumentError(
      absl::StrCat("Error writing field '", Av(field), "': ", Av(detail)));
}

void WireWriter::String(std::string_view field, std::string_view v) {
  if (v.size() > kMaxStringBytes) {
    Fail(field, absl::StrCat("String length ", v.size(),
                             " is larger than the maximum string length."));
    return;
  }
  Int16(static_cast<int16_t>(v.size()));
  out_.append(v);
}

void WireWriter::NullableString(std::string_view field, const std::optional<std::string>& v) {
  if (!v.has_value()) {
    Int16(-1);
    return;
  }
  String(field, *v);
}

void WireWriter::Bytes(std::string_view field, std::string_view v) {
  if (v.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    Fail(field, absl::StrCat("Bytes size ", v.size(), " does not fit an int32"));
    return;
  }
  Int32(static_cast<int32_t>(v.size()));
  out_.append(v);
}

void WireWriter::NullableBytes(std::string_view field, const std::optional<std::string>& v) {
  if (!v.has_value()) {
    Int32(-1);
    return;
  }
  Bytes(field, *v);
}

void WireWriter::ArrayCount(std::string_view field, size_t count) {
  if (count > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    Fail(field, absl::StrCat("Array size ", count, " does not fit an int32"));
    return;
  }
  Int32(static_cast<int32_t>(count));
}

void WireWriter::NullArray() { Int32(-1); }

absl::StatusOr<std::string> WireWriter::Finish() && {
  if (!status_.ok()) return status_;
  return std::move(out_);
}

// ---- WireReader

void WireReader::Fail(std::string message) {
  if (!status_.ok()) return;
  status_ = absl::InvalidArgumentError(std::move(message));
}

void WireReader::FailField(std::string_view field, std::string_view detail) {
  if (!status_.ok()) return;
  std::string message;
  for (std::string_view outer : enclosing_) {
    absl::StrAppend(&message, "Error reading field '", Av(outer), "': ");
  }
  absl::StrAppend(&message, "Error reading field '", Av(field), "': ", Av(detail));
  Fail(std::move(message));
}

bool WireReader::Take(std::string_view field, size_t n, std::string_view* out) {
  if (!status_.ok()) return false;
  if (n > remaining()) {
    FailField(field, kUnderflow);
    return false;
  }
  *out = data_.substr(position_, n);
  position_ += n;
  return true;
}

int8_t WireReader::Int8(std::string_view field) {
  std::string_view b;
  return Take(field, 1, &b) ? ParseBigEndian<int8_t>(b) : 0;
}

int16_t WireReader::Int16(std::string_view field) {
  std::string_view b;
  return Take(field, 2, &b) ? ParseBigEndian<int16_t>(b) : 0;
}

int32_t WireReader::Int32(std::string_view field) {
  std::string_view b;
  return Take(field, 4, &b) ? ParseBigEndian<int32_t>(b) : 0;
}

int64_t WireReader::Int64(std::string_view field) {
  std::string_view b;
  return Take(field, 8, &b) ? ParseBigEndian<int64_t>(b) : 0;
}

bool WireReader::FitsRemaining(std::string_view field, int32_t n, std::string_view what) {
  if (static_cast<size_t>(n) <= remaining()) return true;
  FailField(field, absl::StrCat("Error reading ", Av(what), " ", n, ", only ", remaining(),
                                " bytes available"));
  return false;
}

std::string WireReader::String(std::string_view field) {
  const int16_t length = Int16(field);
  if (!ok()) return {};
  if (length < 0) {
    FailField(field, absl::StrCat("String length ", length, " cannot be negative"));
    return {};
  }
  std::string_view b;
  if (!FitsRemaining(field, length, "string of length") || !Take(field, length, &b)) return {};
  return std::string(b);
}

std::optional<std::string> WireReader::NullableString(std::string_view field) {
  const int16_t length = Int16(field);
  if (!ok() || length < 0) return std::nullopt;
  std::string_view b;
  if (!FitsRemaining(field, length, "string of length") || !Take(field, length, &b)) {
    return std::nullopt;
  }
  return std::string(b);
}

std::string WireReader::Bytes(std::string_view field) {
  const int32_t length = Int32(field);
  if (!ok()) return {};
  if (length < 0) {
    FailField(field, absl::StrCat("Bytes size ", length, " cannot be negative"));
    return {};
  }
  std::string_view b;
  if (!FitsRemaining(field, length, "bytes of size") || !Take(field, length, &b)) return {};
  return std::string(b);
}

std::optional<std::string> WireReader::NullableBytes(std::string_view field) {
  const int32_t length = Int32(field);
  if (!ok() || length < 0) return std::nullopt;
  std::string_view b;
  if (!FitsRemaining(field, length, "bytes of size") || !Take(field, length, &b)) {
    return std::nullopt;
  }
  return std::string(b);
}

int32_t WireReader::ArrayCount(std::string_view field) {
  const int32_t count = Int32(field);
  if (!ok()) return 0;
  if (count < 0) {
    FailField(field, absl::StrCat("Array size ", count, " cannot be negative"));
    return 0;
  }
  return FitsRemaining(field, count, "array of size") ? count : 0;
}

std::optional<int32_t> WireReader::NullableArrayCount(std::string_view field) {
  const int32_t count = Int32(field);
  if (!ok() || count < 0) return std::nullopt;
  if (!FitsRemaining(field, count, "array of size")) return std::nullopt;
  return count;
}

// ---- Headers and framing

void WriteRequestHeaderV1(WireWriter& writer, const RequestHeader& header) {
  writer.Int16(static_cast<int16_t>(header.api_key));
  writer.Int16(header.api_version);
  writer.Int32(header.correlation_id);
  writer.NullableString("client_id", header.client_id);
}

absl::StatusOr<ResponseFrame> ParseResponseHeaderV0(std::string_view payload) {
  WireReader reader(payload);
  ResponseFrame frame;
  frame.correlation_id = reader.Int32("correlation_id");
  if (!reader.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "response header v0: ", reader.status().message()));
  }
  frame.body = payload.substr(reader.position());
  return frame;
}

absl::StatusOr<std::string> SizePrefixed(std::string_view payload) {
  WireWriter writer;
  writer.Bytes("frame", payload);
  return std::move(writer).Finish();
}

absl::StatusOr<std::optional<std::string_view>> NextFrame(std::string_view buffered,
                                                          int32_t max_payload_bytes) {
  if (buffered.size() < 4) return std::optional<std::string_view>();
  const int32_t size = ParseBigEndian<int32_t>(buffered.substr(0, 4));
  if (size < 0 || size > max_payload_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid receive (size = ", size, " larger than ", max_payload_bytes,
        " or negative): the stream is not Kafka's protocol or is corrupt"));
  }
  if (buffered.size() - 4 < static_cast<size_t>(size)) {
    return std::optional<std::string_view>();
  }
  return std::optional<std::string_view>(buffered.substr(4, static_cast<size_t>(size)));
}

}  // namespace sluice::distributed
