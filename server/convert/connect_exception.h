// The Java exception a failure stands for. Kafka Connect reports errors in converters,
// transforms and predicates by their Java exception: the dead letter queue's context headers
// carry its class name and message (`__connect.errors.exception.class.name`,
// `__connect.errors.exception.message`), and the error log and task traces print them. So a
// Status raised in those stages carries, besides its message (exactly the Java exception's
// message), the Java class name and the cause's text where Kafka Connect keeps detail in a cause
// (JsonConverter's "Converting byte[] to Kafka Connect data failed due to serialization error: "
// has the parser's reason only in its cause).
//
//   return convert::DataError(absl::StrCat("Only Struct objects supported for [field insertion]",
//                                          ", found: ", JavaClassName(value.kind())));
//   std::string cls = convert::JavaExceptionClass(status);  // "org.apache...DataException"
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_CONVERT_CONNECT_EXCEPTION_H_
#define SLUICE_SERVER_CONVERT_CONNECT_EXCEPTION_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace sluice::convert {

inline constexpr std::string_view kDataExceptionClass =
    "org.apache.kafka.connect.errors.DataException";
inline constexpr std::string_view kConnectExceptionClass =
    "org.apache.kafka.connect.errors.ConnectException";
inline constexpr std::string_view kRetriableExceptionClass =
    "org.apache.kafka.connect.errors.RetriableException";
inline constexpr std::string_view kConfigExceptionClass =
    "org.apache.kafka.common.config.ConfigException";
inline constexpr std::string_view kSerializationExceptionClass =
    "org.apache.kafka.common.errors.SerializationException";

// A Status standing for a Java exception of class `java_class` whose getMessage() is `message`.
// `cause`, when not empty, is the text of its cause ("<class>: <message>" as Java prints a
// cause), kept apart from the message. Retriable Java exceptions should use kUnavailable.
absl::Status JavaError(absl::StatusCode code, std::string_view java_class,
                       std::string_view message, std::string_view cause = "");

// Kafka Connect's DataException (InvalidArgument): a record that cannot be converted or
// transformed.
absl::Status DataError(std::string_view message, std::string_view cause = "");
// Kafka's ConfigException (InvalidArgument): a configuration a transform or converter refuses
// when it is configured.
absl::Status ConfigError(std::string_view message);
// Kafka Connect's RetriableException (Unavailable): worth trying again (errors.retry.timeout).
absl::Status RetriableError(std::string_view message);

// The Java class `status` stands for: the one it was made with, else by code: InvalidArgument
// is a DataException, Unavailable a RetriableException, anything else a ConnectException.
// REQUIRES: !status.ok().
std::string JavaExceptionClass(const absl::Status& status);
// The cause recorded with JavaError, or "".
std::string JavaExceptionCause(const absl::Status& status);
// Whether Kafka Connect would retry it: a RetriableException (or a subclass Sluice knows of).
bool IsRetriable(const absl::Status& status);

// Java's Throwable.toString(): "<class>: <message>" ("<class>" alone when the message is empty).
std::string JavaExceptionText(const absl::Status& status);

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_CONNECT_EXCEPTION_H_
