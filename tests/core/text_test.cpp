#include <doctest/doctest.h>

#include "nnadc/core/text.h"

TEST_SUITE("core") {
  TEST_CASE("ParseDoubleAcceptsOnlyWholeNumbers") {
    CHECK(nnadc::parseDouble(" 1.5e-3 ").value() == 1.5e-3);
    CHECK(nnadc::parseDouble("+2").value() == 2.0);
    CHECK_FALSE(nnadc::parseDouble("1.5x").has_value());
    CHECK_FALSE(nnadc::parseDouble("").has_value());
    CHECK_FALSE(nnadc::parseDouble("abc").has_value());
  }
  TEST_CASE("ParseIntegerRejectsFractions") {
    CHECK(nnadc::parseInteger("-12").value() == -12);
    CHECK_FALSE(nnadc::parseInteger("1.0").has_value());
  }
  TEST_CASE("FormatDoubleRoundTrips") {
    const double x = 0.1 + 0.2;
    CHECK(nnadc::parseDouble(nnadc::formatDouble(x)).value() == x);
  }
  TEST_CASE("SplitWhitespaceDropsEmptyFields") {
    const auto parts = nnadc::splitWhitespace("  a\tbb  c ");
    REQUIRE(parts.size() == 3);
    CHECK(parts[1] == "bb");
  }
}
