// The inverter drive table (nn/drive.h): bilinear interpolation and the loaded operating point,
// against closed forms for a linear "inverter" I = g (a - b vin - vout), which the bilinear
// table represents exactly.
#include <doctest/doctest.h>

#include <cmath>

#include "nnadc/core/error.h"
#include "nnadc/nn/drive.h"

namespace {

constexpr double kG = 1e-4;  // output conductance [S]
constexpr double kA = 1.2;   // I = kG (kA - kB vin - vout)
constexpr double kB = 1.0;

nnadc::InverterDrive linearDrive(int nin = 13, int nout = 7, double vdd = 1.2) {
  nnadc::InverterDrive d;
  for (int i = 0; i < nin; ++i) d.vin_v.push_back(vdd * i / (nin - 1));
  for (int j = 0; j < nout; ++j) d.vout_v.push_back(vdd * j / (nout - 1));
  for (const double vin : d.vin_v) {
    for (const double vout : d.vout_v) d.current_a.push_back(kG * (kA - kB * vin - vout));
  }
  return d;
}

}  // namespace

TEST_SUITE("nn") {
  TEST_CASE("DriveTableInterpolatesALinearDeviceExactly") {
    const nnadc::nn::DriveTable t(linearDrive());
    for (const double vin : {0.0, 0.137, 0.6, 1.05}) {
      for (const double vout : {0.0, 0.33, 0.9, 1.2}) {
        CHECK(t.current(vin, vout) == doctest::Approx(kG * (kA - kB * vin - vout)).epsilon(1e-12));
      }
    }
  }

  TEST_CASE("LoadedPointSolvesKirchhoffsLawInClosedForm") {
    // Node equation: kG (kA - kB vin - v) = s v - c  =>  v = (kG (kA - kB vin) + c) / (kG + s).
    const nnadc::nn::DriveTable t(linearDrive());
    int hint = -1;
    for (const double vin : {0.1, 0.45, 0.61}) {
      for (const double s : {0.0, 2e-5, 1e-4}) {
        for (const double c : {0.0, 3e-6, 1.5e-5}) {
          const double expect = (kG * (kA - kB * vin) + c) / (kG + s);
          if (expect < 0.0 || expect > 1.2) continue;
          for (int* h : {static_cast<int*>(nullptr), &hint}) {
            const nnadc::nn::LoadedPoint p = t.solve(vin, s, c, h);
            CHECK(p.vout == doctest::Approx(expect).epsilon(1e-12));
            CHECK(p.di_dvout == doctest::Approx(-kG).epsilon(1e-9));
            CHECK(p.di_dvin == doctest::Approx(-kG * kB).epsilon(1e-9));
          }
        }
      }
    }
    // A load the device cannot hold inside the rails clamps at the rail.
    CHECK(t.solve(1.2, 0.0, -1e-3).vout == doctest::Approx(0.0));
    CHECK(t.solve(0.0, 0.0, 1e-3).vout == doctest::Approx(1.2));
  }

  TEST_CASE("MalformedDriveTablesAreRejectedNamingTheField") {
    nnadc::InverterDrive d = linearDrive();
    d.vout_v[3] += 0.01;  // not uniform
    CHECK_THROWS_WITH_AS(nnadc::nn::DriveTable{d}, doctest::Contains("field 'vout'"),
                         nnadc::InputError);
    d = linearDrive();
    d.current_a.pop_back();
    CHECK_THROWS_WITH_AS(nnadc::nn::DriveTable{d}, doctest::Contains("field 'current_a'"),
                         nnadc::InputError);
    d = linearDrive();
    d.current_a[5] = std::nan("");
    CHECK_THROWS_WITH_AS(nnadc::nn::DriveTable{d}, doctest::Contains("not finite"),
                         nnadc::InputError);
  }
}
