#include "server/convert/connect_exception.h"

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace sluice::convert {
namespace {

// Status payload keys (type URLs, as absl::Status wants them).
constexpr char kClassPayload[] = "type.sluice.dev/java-exception-class";
constexpr char kCausePayload[] = "type.sluice.dev/java-exception-cause";

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::optional<std::string> Payload(const absl::Status& status, const char* key) {
  absl::optional<absl::Cord> payload = status.GetPayload(key);
  if (!payload.has_value()) return std::nullopt;
  return std::string(*payload);
}

}  // namespace

absl::Status JavaError(absl::StatusCode code, std::string_view java_class,
                       std::string_view message, std::string_view cause) {
  absl::Status status(code, Av(message));
  status.SetPayload(kClassPayload, absl::Cord(Av(java_class)));
  if (!cause.empty()) status.SetPayload(kCausePayload, absl::Cord(Av(cause)));
  return status;
}

absl::Status DataError(std::string_view message, std::string_view cause) {
  return JavaError(absl::StatusCode::kInvalidArgument, kDataExceptionClass, message, cause);
}

absl::Status ConfigError(std::string_view message) {
  return JavaError(absl::StatusCode::kInvalidArgument, kConfigExceptionClass, message);
}

absl::Status RetriableError(std::string_view message) {
  return JavaError(absl::StatusCode::kUnavailable, kRetriableExceptionClass, message);
}

std::string JavaExceptionClass(const absl::Status& status) {
  if (std::optional<std::string> cls = Payload(status, kClassPayload)) return *cls;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return std::string(kDataExceptionClass);
    case absl::StatusCode::kUnavailable:
      return std::string(kRetriableExceptionClass);
    default:
      return std::string(kConnectExceptionClass);
  }
}

std::string JavaExceptionCause(const absl::Status& status) {
  return Payload(status, kCausePayload).value_or("");
}

bool IsRetriable(const absl::Status& status) {
  if (status.ok()) return false;
  if (std::optional<std::string> cls = Payload(status, kClassPayload)) {
    return *cls == kRetriableExceptionClass;
  }
  return status.code() == absl::StatusCode::kUnavailable;
}

std::string JavaExceptionText(const absl::Status& status) {
  std::string text = JavaExceptionClass(status);
  if (!status.message().empty()) absl::StrAppend(&text, ": ", status.message());
  return text;
}

}  // namespace sluice::convert
