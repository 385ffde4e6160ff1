#include <doctest/doctest.h>

#include "nnadc/core/error.h"

TEST_SUITE("core") {
  TEST_CASE("ErrorCarriesIdMessageAndExitCode") {
    const nnadc::InputError input("NNADC-CFG-001", "field 'x' out of range");
    CHECK(input.id() == "NNADC-CFG-001");
    CHECK(std::string(input.what()) == "error[NNADC-CFG-001]: field 'x' out of range");
    CHECK(input.exitCode() == 2);
    const nnadc::SimulationError sim("NNADC-SIM-001", "parse failed");
    CHECK(sim.exitCode() == 3);
    CHECK(nnadc::formatError(sim) == "error[NNADC-SIM-001]: parse failed");
  }
}
