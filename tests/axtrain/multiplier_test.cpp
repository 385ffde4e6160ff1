// Approximate multipliers: the bit-level models against independent closed forms and hand
// values, and their error statistics against a brute-force recomputation over all 65,536 pairs.
#include "nnadc/axtrain/multiplier.h"

#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/core/error.h"

using nnadc::axtrain::MultiplierDesign;
using nnadc::axtrain::MultiplierKind;
using nnadc::axtrain::ProductTable;

namespace {

// The three designs the docs and results table use, in order of increasing mean relative error.
const char* const kDesigns[] = {"udm", "trunc11", "bam4-12"};

}  // namespace

TEST_SUITE("axtrain") {
  TEST_CASE("TruncatedMultiplierMatchesItsClosedForm") {
    // Dropping partial products of columns i + j < k removes, for each multiplier bit b_i with
    // i < k, the low (k - i) bits of a shifted by i: a*b - sum_{i<k} b_i 2^i (a mod 2^(k-i)).
    for (int k : {0, 3, 8, 12}) {
      const MultiplierDesign d = MultiplierDesign::parse("trunc" + std::to_string(k));
      for (std::uint32_t a = 0; a < 256; a += 7) {
        for (std::uint32_t b = 0; b < 256; b += 5) {
          std::uint32_t expected = a * b;
          for (int i = 0; i < k && i < 8; ++i) {
            if (((b >> i) & 1U) != 0) expected -= (a % (1U << (k - i))) << i;
          }
          CHECK(nnadc::axtrain::approximateProduct(d, a, b) == expected);
        }
      }
    }
  }

  TEST_CASE("BrokenArrayDropsWholeRowsAndColumns") {
    const MultiplierDesign rows_only = MultiplierDesign::parse("bam2-0");
    // Rows b_0, b_1 dropped: a * (b with its two low bits cleared).
    CHECK(nnadc::axtrain::approximateProduct(rows_only, 200, 255) == 200U * 252U);
    CHECK(nnadc::axtrain::approximateProduct(MultiplierDesign::parse("bam8-0"), 255, 255) == 0U);
    CHECK(nnadc::axtrain::approximateProduct(MultiplierDesign::parse("bam0-0"), 123, 45) ==
          123U * 45U);
  }

  TEST_CASE("UnderDesignedMultiplierMatchesKulkarnisBlock") {
    const MultiplierDesign udm = MultiplierDesign::parse("udm");
    CHECK(nnadc::axtrain::approximateProduct(udm, 3, 3) == 7U);  // the 2x2 block's only error
    CHECK(nnadc::axtrain::approximateProduct(udm, 2, 3) == 6U);
    // 15 x 15 = (3*4+3)^2 -> 7*16 + (7+7)*4 + 7 = 175; 255 x 255 -> 175*256 + 350*16 + 175.
    CHECK(nnadc::axtrain::approximateProduct(udm, 15, 15) == 175U);
    CHECK(nnadc::axtrain::approximateProduct(udm, 255, 255) == 50575U);
    // Exact whenever no 2-bit digit pair is (3, 3): e.g. operands with only digits 0..2.
    CHECK(nnadc::axtrain::approximateProduct(udm, 0b10011000, 0b01101001) ==
          0b10011000U * 0b01101001U);
  }

  TEST_CASE("ErrorStatisticsMatchABruteForceRecomputation") {
    for (const char* name : kDesigns) {
      CAPTURE(name);
      const MultiplierDesign d = MultiplierDesign::parse(name);
      const ProductTable table(d);
      const nnadc::axtrain::MultiplierStats s = table.stats();
      // Independent recomputation: one pass in long double with sums of powers.
      long double sum = 0;
      long double sum2 = 0;
      long double rsum = 0;
      long double rsum2 = 0;
      long nonzero = 0;
      long wrong = 0;
      long double max_abs = 0;
      for (std::uint32_t a = 0; a < 256; ++a) {
        for (std::uint32_t b = 0; b < 256; ++b) {
          const long double e =
              static_cast<long double>(nnadc::axtrain::approximateProduct(d, a, b)) -
              static_cast<long double>(a * b);
          CHECK(table.error(a, b) == static_cast<std::int32_t>(e));
          sum += e;
          sum2 += e * e;
          wrong += e != 0 ? 1 : 0;
          max_abs = std::max(max_abs, std::fabs(e));
          if (a > 0 && b > 0) {
            const long double r = e / static_cast<long double>(a * b);
            rsum += r;
            rsum2 += r * r;
            ++nonzero;
          }
        }
      }
      const long double n = 65536;
      const long double mean = sum / n;
      const long double rmean = rsum / static_cast<long double>(nonzero);
      // Two formulas (two-pass vs sum of squares) of the same exhaustive sums: they agree to
      // ~1e-12 relative; 1e-9 allows the long-double/double difference with a wide margin.
      CHECK(s.mean_error == doctest::Approx(static_cast<double>(mean)).epsilon(1e-9));
      CHECK(s.std_error ==
            doctest::Approx(static_cast<double>(std::sqrt(sum2 / n - mean * mean))).epsilon(1e-9));
      CHECK(s.mean_relative_error == doctest::Approx(static_cast<double>(rmean)).epsilon(1e-9));
      CHECK(s.std_relative_error ==
            doctest::Approx(static_cast<double>(std::sqrt(
                                rsum2 / static_cast<long double>(nonzero) - rmean * rmean)))
                .epsilon(1e-9));
      CHECK(s.error_rate == doctest::Approx(static_cast<double>(wrong) / 65536.0).epsilon(1e-15));
      CHECK(s.max_abs_error == static_cast<double>(max_abs));
    }
  }

  TEST_CASE("TheDocumentedDesignsHaveIncreasingRelativeErrorAndTheirDocumentedStatistics") {
    // Values documented in docs/axtrain.md (rounded there to the digits given here).
    struct Expected {
      const char* name;
      double mean;
      double std;
      double mean_rel;
    };
    const Expected expected[] = {{"udm", -903.12, 2375.62, -0.0328},
                                 {"trunc11", -2944.25, 1770.03, -0.3768},
                                 {"bam4-12", -4992.25, 3217.17, -0.5301}};
    double previous = 0.0;
    for (const Expected& e : expected) {
      CAPTURE(e.name);
      const auto s = ProductTable(MultiplierDesign::parse(e.name)).stats();
      // Documented to 2 decimals (errors) and 4 (relative): 0.006 / 0.00006 bounds the rounding.
      CHECK(std::abs(s.mean_error - e.mean) < 0.006);
      CHECK(std::abs(s.std_error - e.std) < 0.006);
      CHECK(std::abs(s.mean_relative_error - e.mean_rel) < 0.00006);
      CHECK(std::abs(s.mean_relative_error) > previous);
      previous = std::abs(s.mean_relative_error);
    }
  }

  TEST_CASE("ExactDesignHasNoErrorAndNamesRoundTrip") {
    const auto s = ProductTable(MultiplierDesign::parse("exact")).stats();
    CHECK(s.max_abs_error == 0.0);
    CHECK(s.error_rate == 0.0);
    for (const char* name : {"exact", "udm", "trunc11", "bam4-12"}) {
      CHECK(MultiplierDesign::parse(name).name() == name);
    }
    CHECK(MultiplierDesign::parse("bam3-9").kind == MultiplierKind::kBrokenArray);
  }

  TEST_CASE("BadMultiplierNamesGiveAxt003WordForWord") {
    for (const char* bad : {"trunc", "trunc17", "bam9-1", "bam2", "wallace", "bam-3"}) {
      CAPTURE(bad);
      try {
        MultiplierDesign::parse(bad);
        FAIL("no error");
      } catch (const nnadc::InputError& e) {
        CHECK(e.id() == "NNADC-AXT-003");
        CHECK(e.message() == "multiplier design '" + std::string(bad) +
                                 "' is not one of exact, udm, trunc<k> (k in 0..16), "
                                 "bam<h>-<k> (h in 0..8, k in 0..16)");
      }
    }
  }
}
