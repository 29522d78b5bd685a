// Why a plugin protocol message cannot be read. Protobuf parses nested messages recursively and
// refuses a message whose messages nest deeper than its recursion limit (100 below the outermost
// message), so every reader of the plugin protocol (the worker, the host, an exec plugin in any
// language) refuses Connect data nested deeper than about 48 levels of structs or arrays or 32 of
// maps. Protobuf only says "could not parse"; these functions walk the wire format without
// recursion (so any depth is safe) to say what was wrong, for the trace of the task that failed.
//
//   if (!message.ParseFromString(bytes)) {
//     return absl::InvalidArgumentError(DescribeUnreadableMessage(*message.GetDescriptor(), bytes));
//   }
//
// Thread-safe: pure functions.
#ifndef SLUICE_SDK_CPP_WIRE_NESTING_H_
#define SLUICE_SDK_CPP_WIRE_NESTING_H_

#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"

namespace sluice::wire {

// How many levels of messages `bytes`, a serialized message of `type`, nests below the
// outermost one: 0 for a message without message fields set, 1 when it holds messages that hold
// none, and so on. Fields that `type` does not declare are skipped. InvalidArgument when the
// bytes are not valid wire format.
absl::StatusOr<int> NestedMessageDepth(const google::protobuf::Descriptor& type,
                                       std::string_view bytes);

// The deepest nesting protobuf parses (its default recursion limit): NestedMessageDepth above it
// fails to parse.
int MaxNestedMessageDepth();

// Why `bytes`, which failed to parse as `type`, cannot be read: too deeply nested (with the
// depth and the limit, and what that means in Connect data), or not valid wire format. One
// sentence, without the message's name or size (the caller adds its context).
std::string DescribeUnreadableMessage(const google::protobuf::Descriptor& type,
                                      std::string_view bytes);

}  // namespace sluice::wire

#endif  // SLUICE_SDK_CPP_WIRE_NESTING_H_
