#pragma once
// A smooth synthetic inverter for the adc tests: VDD/2 (1 - tanh(k (v - VDD/2))), tabulated on
// 1 mV.
#include <cmath>
#include <vector>

#include "nnadc/core/vtc.h"

namespace nnadc::test {

inline nnadc::Vtc syntheticVtc(double vdd = 1.2, double k = 15.0) {
  std::vector<double> vin;
  std::vector<double> vout;
  for (int i = 0; i <= 1200; ++i) {
    const double v = vdd * i / 1200.0;
    vin.push_back(v);
    vout.push_back(vdd / 2 * (1 - std::tanh(k * (v - vdd / 2))));
  }
  return nnadc::analyzeVtc(vin, vout, vdd);
}

}  // namespace nnadc::test
