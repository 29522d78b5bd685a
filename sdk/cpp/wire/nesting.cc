#include "sdk/cpp/wire/nesting.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"

namespace sluice::wire {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

}  // namespace

int MaxNestedMessageDepth() { return CodedInputStream::GetDefaultRecursionLimit(); }

absl::StatusOr<int> NestedMessageDepth(const Descriptor& type, std::string_view bytes) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError("the message is larger than 2 GiB");
  }
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  // One frame per message being read: its type and the limit to restore when it ends.
  struct Frame {
    const Descriptor* type;
    CodedInputStream::Limit outer_limit;
  };
  std::vector<Frame> open = {{&type, 0}};
  int deepest = 0;
  auto malformed = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "the bytes are not a valid ", type.full_name(), " message (bad wire format at byte ",
        in.CurrentPosition(), " of ", bytes.size(), ")"));
  };
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) {
      // The end of the current nested message, of the whole input, or garbage.
      if (open.size() > 1 && in.BytesUntilLimit() == 0) {
        in.PopLimit(open.back().outer_limit);
        open.pop_back();
        continue;
      }
      if (open.size() == 1 && in.CurrentPosition() == static_cast<int>(bytes.size())) break;
      return malformed();
    }
    const FieldDescriptor* field =
        open.back().type->FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    if (field != nullptr && field->type() == FieldDescriptor::TYPE_MESSAGE &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length;
      // A length past the end of the input or of the enclosing message is malformed.
      if (!in.ReadVarint32(&length) ||
          length > bytes.size() - static_cast<size_t>(in.CurrentPosition()) ||
          (in.BytesUntilLimit() >= 0 && length > static_cast<uint32_t>(in.BytesUntilLimit()))) {
        return malformed();
      }
      open.push_back({field->message_type(), in.PushLimit(static_cast<int>(length))});
      deepest = std::max(deepest, static_cast<int>(open.size()) - 1);
      continue;
    }
    if (!WireFormatLite::SkipField(&in, tag)) return malformed();
  }
  return deepest;
}

std::string DescribeUnreadableMessage(const Descriptor& type, std::string_view bytes) {
  absl::StatusOr<int> depth = NestedMessageDepth(type, bytes);
  if (!depth.ok()) return std::string(depth.status().message());
  if (*depth > MaxNestedMessageDepth()) {
    return absl::StrCat(
        "its messages nest ", *depth, " levels deep and protobuf reads at most ",
        MaxNestedMessageDepth(),
        ", so the plugin protocol carries Connect data nested at most about 48 levels deep as "
        "structs or arrays, 32 as maps");
  }
  return absl::StrCat("protobuf could not parse it as a ", type.full_name(),
                      " message (a field of the wrong type, invalid UTF-8 in a string field, or "
                      "a value out of range)");
}

}  // namespace sluice::wire
