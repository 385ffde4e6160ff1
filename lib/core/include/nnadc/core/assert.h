#pragma once
/// Invariant checks, live in debug and sanitizer builds (NNADC_ASSERTIONS defined), compiled out
/// otherwise. For user input use InputError instead: asserts are for bugs.
#include <cstdio>
#include <cstdlib>

#if defined(NNADC_ASSERTIONS) || !defined(NDEBUG)
#define NNADC_ASSERT(cond)                                                                    \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "%s:%d: nnadc invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)
#else
#define NNADC_ASSERT(cond) \
  do {                     \
  } while (false)
#endif
