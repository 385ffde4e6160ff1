#include <doctest/doctest.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include "nnadc/sim/amplifier.h"
TEST_CASE("ProbeAccuracy" * doctest::skip(true)) {
  for (auto [step, rt] : std::vector<std::pair<double,double>>{{0.25e-9, 1e-4}, {0.1e-9, 1e-4}, {0.05e-9, 1e-5}}) {
    nnadc::sim::MdacOptions o;
    o.bench.max_step_s = step; o.bench.reltol = rt;
    const double vref = 0.6;
    const double residues[] = {-0.5, 0.0, 0.5, -1.0, 0.25, 1.0, -0.25};
    for (int code = -3; code <= 3; ++code) o.steps.push_back({std::clamp((code + residues[code+3]) * vref / 4.0, -vref, vref), code});
    auto t0 = std::chrono::steady_clock::now();
    const auto c = nnadc::sim::characterizeMdac(o);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("step %g reltol %g: %.1f s maxerr %.4g nl %.4g gainerr %.4g P %.5g\n", step, rt, s, c.max_abs_error_v, c.max_nonlinearity_v, c.gain_error, c.supply_power_w);
    for (double e : c.error_v) std::printf(" %.4g", e);
    std::printf("\n");
  }
  for (double rt : {1e-6, 1e-8}) {
    nnadc::sim::AmplifierOptions a; a.bench.reltol = rt; a.points_per_decade = rt < 1e-7 ? 100 : 40;
    const auto c = nnadc::sim::characterizeAmplifier(a);
    std::printf("amp reltol %g ppd %d: gain %.4f dcgain %.4f ugf %.5g pm %.3f loop pm %.3f swing %.4f noise %.4g %.4g\n", rt, a.points_per_decade, c.dc_gain_db, c.dc_gain_from_dc_db, c.ugf_hz, c.phase_margin_deg, c.loop_phase_margin_deg, c.swing_high_v, c.noise_spot_v_rthz, c.noise_integrated_v);
  }
}
