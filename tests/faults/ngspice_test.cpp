// Fault-injection cases: ngspice (docs/reliability.md).
#include <doctest/doctest.h>
