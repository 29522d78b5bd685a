// What the running sluiced was built from, shown by GET / ("commit"). The definition is
// generated at every build (cmake/build_info.cmake), so it follows the checkout without a
// re-configure.
#ifndef SLUICE_SERVER_BUILD_INFO_H_
#define SLUICE_SERVER_BUILD_INFO_H_

namespace sluice {

// The git commit (16 hex digits) of the source tree at build time, or "unknown".
const char* BuildCommit();

}  // namespace sluice

#endif  // SLUICE_SERVER_BUILD_INFO_H_
