#include "cmd_sim_nonlinear.h"

#include <algorithm>
#include <cstdio>

#include "nnadc/eval/nonlinear_bench.h"
#include "nnadc/io/file.h"
#include "nnadc/io/nonlinear_json.h"
#include "nnadc/io/results_json.h"

namespace nnadc::cli {

int runNonlinearSim(CLI::App& sub, const CommonOptions& common, const DeckCliOptions& deck,
                    const PoolCliOptions& pool_options, const adc::Design& design, Logger& logger) {
  const int per_code = std::max(2, deck.deck.points / design.segmented->target.codes());
  sim::WorkerPool pool(pool_options.pool(logger));
  const eval::NonlinearBenchSummary s =
      eval::segmentedStaticBench(pool, design, per_code, pool_options.timeout_s);
  io::Json j = io::nonlinearBenchJson(s, deck.design);
  io::Provenance provenance = simProvenance(sub, pool.version());
  provenance.seed = design.seed;
  j["provenance"] = io::provenanceJson(provenance);
  io::writeOutput(common.output, io::dumpJson(j));
  char line[800];
  std::snprintf(line, sizeof line,
                "sim: nonlinear (%s) static bench, whole converter, %d conversions in %.2f s, "
                "%.2f%% codes as the behavioural model (segments %.2f%%), max |INL| %.3f LSB, "
                "max |DNL| %.3f LSB, %d missing codes, power %.3g W simulated (sub-ADCs %.3g W, "
                "comparators %.3g W) + ideal elements %.3g W estimated at 10 MS/s -> %s",
                s.target.c_str(), s.points, s.elapsed_s, 100.0 * s.agreement,
                100.0 * s.segment_agreement, s.linearity.max_abs_inl_lsb,
                s.linearity.max_abs_dnl_lsb, s.linearity.missing_codes, s.power_w,
                s.sub_adc_power_w, s.comparator_power_w, s.ideal_estimated_power_w,
                common.output.c_str());
  printSummary(common, line);
  return kExitOk;
}

}  // namespace nnadc::cli
