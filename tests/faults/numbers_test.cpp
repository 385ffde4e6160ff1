// Fault-injection cases: numbers (docs/reliability.md).
#include <doctest/doctest.h>
