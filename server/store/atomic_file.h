// Replacing a file's content so that a crash leaves either the old or the new content, never a
// mix: write a temporary file beside it, fsync, rename over, fsync the directory.
#ifndef SLUICE_SERVER_STORE_ATOMIC_FILE_H_
#define SLUICE_SERVER_STORE_ATOMIC_FILE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice::store {

// Internal (with errno text) when a step fails; the old content is then untouched.
absl::Status WriteFileAtomically(const std::string& path, std::string_view content);

// The file's content, or nullopt when it does not exist.
absl::StatusOr<std::optional<std::string>> ReadFileIfExists(const std::string& path);

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_ATOMIC_FILE_H_
