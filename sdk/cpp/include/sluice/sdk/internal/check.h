// SLUICE_CHECK: aborts on a programmer error (a broken invariant of our own code). Never use it
// for anything the outside world controls: a request, a config file, Kafka, a plugin.
// (Debian's Abseil predates absl/log, which has CHECK.)
#ifndef SLUICE_SDK_INTERNAL_CHECK_H_
#define SLUICE_SDK_INTERNAL_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define SLUICE_CHECK(cond, msg)                                                     \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", __FILE__, __LINE__, #cond, \
                   (msg));                                                          \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

#endif  // SLUICE_SDK_INTERNAL_CHECK_H_
