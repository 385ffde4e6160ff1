// Fault-injection cases: outputs (docs/reliability.md).
#include <doctest/doctest.h>
