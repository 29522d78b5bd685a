#include "plugin-host/plugin_call.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace sluice::plugin_host {
namespace {

constexpr absl::string_view kTracePayload = "sluice.dev/plugin-trace";

thread_local int current_task = kConnectorTask;

std::string Demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && demangled != nullptr ? std::string(demangled.get()) : std::string(name);
}

}  // namespace

int CurrentTask() { return current_task; }

std::string TraceOf(const absl::Status& status) {
  if (auto trace = status.GetPayload(kTracePayload); trace.has_value()) {
    return std::string(*trace);
  }
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
}

namespace internal {

TaskScope::TaskScope(int task) : previous_(current_task) { current_task = task; }
TaskScope::~TaskScope() { current_task = previous_; }

absl::Status CurrentExceptionStatus(absl::string_view what) {
  std::string type;
  std::string message;
  try {
    throw;
  } catch (const std::exception& e) {
    type = Demangle(typeid(e).name());
    message = e.what();
  } catch (...) {
    const std::type_info* info = abi::__cxa_current_exception_type();
    type = info != nullptr ? Demangle(info->name()) : "an unknown exception";
    message = "(not a std::exception)";
  }
  absl::Status status =
      absl::UnknownError(absl::StrCat(what, " threw ", type, ": ", message));
  status.SetPayload(kTracePayload,
                    absl::Cord(absl::StrCat(type, ": ", message, "\n\tat ", what,
                                            " (plugin code, C++ exception)")));
  return status;
}

}  // namespace internal
}  // namespace sluice::plugin_host
