// Kafka's binary protocol primitives, for the group membership client of distributed mode.
// librdkafka cannot join a group of protocol type "connect" (DESIGN.md §4), so the worker speaks
// the few group APIs itself; this file holds what every request and response is made of:
// big-endian integers, STRING / NULLABLE_STRING (int16 length, -1 = null), BYTES /
// NULLABLE_BYTES and ARRAY (int32 length or count, negative = null), request header v1, response
// header v0 and the int32 size prefix of every message on the connection.
//
//   WireWriter w;
//   w.Int16(version);
//   w.String("url", url);
//   absl::StatusOr<std::string> bytes = std::move(w).Finish();
//
//   WireReader r(bytes);
//   int16_t version = r.Int16("version");
//   std::string url = r.String("url");
//   if (!r.ok()) return r.status();
//
// Both keep the first error and ignore what follows it (as a Java reader would throw at the
// first bad field), so a decoder reads its fields in order and checks status() once; after an
// error every read returns an empty value and never moves past the end of the input. Error
// messages follow Kafka's own (org.apache.kafka.common.protocol.types: "Error reading field
// 'url': Error reading string of length 64, only 29 bytes available"), so that a log line reads
// the same as a Java worker's.
//
// Thread-compatible: a writer or reader is used by one thread at a time.
#ifndef SLUICE_SERVER_DISTRIBUTED_KAFKA_WIRE_H_
#define SLUICE_SERVER_DISTRIBUTED_KAFKA_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice::distributed {

// The APIs the group membership client uses (org.apache.kafka.common.protocol.ApiKeys).
enum class ApiKey : int16_t {
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kSaslHandshake = 17,
  kApiVersions = 18,
  kSaslAuthenticate = 36,
};

// Kafka's name of the API ("JoinGroup"), for messages.
std::string_view ApiKeyName(ApiKey key);

// Appends Kafka's encodings to a byte string. Thread-compatible.
class WireWriter {
 public:
  void Int8(int8_t v);
  void Int16(int16_t v);
  void Int32(int32_t v);
  void Int64(int64_t v);
  // STRING: int16 length then UTF-8. `field` names it in the error when `v` is longer than
  // 32767 bytes (InvalidArgument, as Kafka's SchemaException).
  void String(std::string_view field, std::string_view v);
  // NULLABLE_STRING: as String, length -1 for nullopt.
  void NullableString(std::string_view field, const std::optional<std::string>& v);
  // BYTES: int32 length then the bytes.
  void Bytes(std::string_view field, std::string_view v);
  // NULLABLE_BYTES: as Bytes, length -1 for nullopt.
  void NullableBytes(std::string_view field, const std::optional<std::string>& v);
  // The int32 count that starts an ARRAY; the caller then writes `count` elements.
  void ArrayCount(std::string_view field, size_t count);
  // A null (nullable) ARRAY: count -1.
  void NullArray();

  // Fails with Kafka's "Error writing field '<field>': <detail>" (InvalidArgument) unless an
  // error came first.
  void Fail(std::string_view field, std::string_view detail);

  // OK, or the first error.
  const absl::Status& status() const { return status_; }
  size_t size() const { return out_.size(); }
  // The bytes written, or the first error.
  absl::StatusOr<std::string> Finish() &&;

 private:
  std::string out_;
  absl::Status status_;
};

// Reads Kafka's encodings from a byte string it does not own (which must outlive it). After the
// first error (InvalidArgument, Kafka's message) every read returns an empty value. Thread-compatible.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  int8_t Int8(std::string_view field);
  int16_t Int16(std::string_view field);
  int32_t Int32(std::string_view field);
  int64_t Int64(std::string_view field);
  // STRING: a negative length is an error. The bytes are returned as they are (Java would
  // replace invalid UTF-8 with U+FFFD).
  std::string String(std::string_view field);
  // NULLABLE_STRING: a negative length is null.
  std::optional<std::string> NullableString(std::string_view field);
  // BYTES: a negative length is an error.
  std::string Bytes(std::string_view field);
  // NULLABLE_BYTES: any negative length is null.
  std::optional<std::string> NullableBytes(std::string_view field);
  // The count of an ARRAY: a negative count is an error; a count larger than the bytes left is
  // an error (Kafka's rule, which also bounds what a decoder allocates). 0 after an error.
  int32_t ArrayCount(std::string_view field);
  // The count of a nullable ARRAY: nullopt for any negative count.
  std::optional<int32_t> NullableArrayCount(std::string_view field);

  // Errors of the reads between EnterStruct and ExitStruct are prefixed "Error reading field
  // '<field>': ", as Kafka reports a field of a struct inside an array ("Error reading field
  // 'assignment': Error reading field 'tasks': ...").
  void EnterStruct(std::string_view field) { enclosing_.push_back(field); }
  void ExitStruct() { enclosing_.pop_back(); }

  // Fails with `message` (InvalidArgument) unless an error came first.
  void Fail(std::string message);

  bool ok() const { return status_.ok(); }
  const absl::Status& status() const { return status_; }
  size_t position() const { return position_; }
  size_t remaining() const { return data_.size() - position_; }

 private:
  // Takes n bytes, or fails for `field` with Java's BufferUnderflowException.
  bool Take(std::string_view field, size_t n, std::string_view* out);
  void FailField(std::string_view field, std::string_view detail);
  // Whether n (>= 0) more bytes are there; if not, fails with Kafka's "Error reading <what> n,
  // only m bytes available".
  bool FitsRemaining(std::string_view field, int32_t n, std::string_view what);

  std::string_view data_;
  size_t position_ = 0;
  std::vector<std::string_view> enclosing_;
  absl::Status status_;
};

// Request header v1: api_key, api_version, correlation_id, client_id (NULLABLE_STRING). Every
// non-flexible request version uses it.
struct RequestHeader {
  ApiKey api_key = ApiKey::kApiVersions;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
};
void WriteRequestHeaderV1(WireWriter& writer, const RequestHeader& header);

// A response split at its header v0 (correlation_id only); `body` points into the payload.
struct ResponseFrame {
  int32_t correlation_id = 0;
  std::string_view body;
};
// InvalidArgument when `payload` is shorter than the header.
absl::StatusOr<ResponseFrame> ParseResponseHeaderV0(std::string_view payload);

// Every request and response travels as an int32 byte count followed by that many bytes.
// InvalidArgument if the payload does not fit an int32.
absl::StatusOr<std::string> SizePrefixed(std::string_view payload);
// Looks for the first frame at the start of `buffered` (bytes received so far): its payload
// (pointing into `buffered`; the frame is 4 + payload.size() bytes), nullopt when more bytes are
// needed, or InvalidArgument when the size is negative or larger than `max_payload_bytes` (the
// stream cannot be trusted any more).
absl::StatusOr<std::optional<std::string_view>> NextFrame(std::string_view buffered,
                                                          int32_t max_payload_bytes);

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_KAFKA_WIRE_H_
