#include "nnadc/io/axtrain_json.h"

#include <optional>
#include <sstream>

namespace nnadc::io {

namespace {

Json optionalJson(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json multiplierStatsJson(const std::optional<axtrain::MultiplierStats>& stats) {
  if (!stats) return nullptr;
  const axtrain::MultiplierStats& s = *stats;
  return {{"mean_error", s.mean_error},
          {"std_error", s.std_error},
          {"mean_relative_error", s.mean_relative_error},
          {"std_relative_error", s.std_relative_error},
          {"max_abs_error", s.max_abs_error},
          {"error_rate", s.error_rate}};
}

Json modelJson(const axtrain::ModelResult& m) {
  Json mj;
  mj["model"] = m.spec.name();
  mj["multiplier_stats"] = multiplierStatsJson(m.multiplier_stats);
  mj["bit_error_rate"] = m.spec.kind == axtrain::ErrorModelKind::kNearThreshold
                             ? Json(m.spec.bit_error_rate)
                             : Json(nullptr);
  const axtrain::ModeResult* plain = axtrain::plainMode(m);
  const double plain_sensitivity = plain != nullptr ? plain->sensitivity : 0.0;
  Json modes = Json::array();
  for (const axtrain::ModeResult& r : m.modes) {
    Json rj;
    rj["mode"] = axtrain::modeName(r.mode);
    rj["exact_accuracy"] = r.evaluation.exact_accuracy;
    rj["hw_accuracy_mean"] = r.evaluation.accuracy_mean;
    rj["hw_accuracy_std"] = r.evaluation.accuracy_std;
    rj["hw_accuracies"] = r.evaluation.accuracies;
    rj["loss_increase"] = r.evaluation.loss_increase;
    rj["sensitivity"] = r.sensitivity;
    rj["sensitivity_change"] =
        plain_sensitivity > 0.0 ? Json(r.sensitivity / plain_sensitivity - 1.0) : Json(nullptr);
    rj["recovered_share"] = optionalJson(r.recovered_share);
    rj["training"] = trainingHistoryJson(r.training);
    modes.push_back(rj);
  }
  mj["modes"] = modes;
  return mj;
}

}  // namespace

std::string percentText(double fraction) {
  std::ostringstream s;
  s.precision(2);
  s << std::fixed << 100.0 * fraction << "%";
  return s.str();
}

Json trainingHistoryJson(const nn::TrainSummary& training) {
  Json j;
  j["diverged"] = training.diverged;
  Json epochs = Json::array();
  for (const nn::EpochRecord& e : training.history) {
    epochs.push_back({{"epoch", e.epoch},
                      {"loss", e.loss},
                      {"penalty", e.penalty},
                      {"seconds", e.seconds},
                      {"samples_per_second", e.samples_per_second}});
  }
  j["epochs"] = epochs;
  return j;
}

Json axtrainJson(const axtrain::Study& study, const Provenance& provenance) {
  const axtrain::DatasetInfo& d = study.dataset;
  const axtrain::ExperimentSummary& summary = study.summary;
  Json j;
  j["provenance"] = provenanceJson(provenance);
  j["dataset"] = {{"source", d.source},
                  {"train_samples", d.train_samples},
                  {"test_samples", d.test_samples},
                  {"features", d.features},
                  {"classes", d.classes}};
  j["network"] = {{"sizes", study.layer_sizes}};
  j["baseline_accuracy"] = summary.baseline_accuracy;
  j["plain_exact_accuracy"] = summary.plain_accuracy;
  j["pretraining"] = trainingHistoryJson(summary.pretraining);
  Json models = Json::array();
  for (const axtrain::ModelResult& m : summary.models) models.push_back(modelJson(m));
  j["models"] = models;
  return j;
}

std::string axtrainSummary(const axtrain::Study& study) {
  std::string line = "axtrain: baseline " + percentText(study.summary.baseline_accuracy);
  for (const axtrain::ModelResult& m : study.summary.models) {
    const axtrain::ModeResult* plain = axtrain::plainMode(m);
    line += "; " + m.spec.name() + ": plain " +
            percentText(plain != nullptr ? plain->evaluation.accuracy_mean : 0.0);
    if (const axtrain::ModeResult* best = axtrain::bestMode(m)) {
      line +=
          ", best " + percentText(best->evaluation.accuracy_mean) + " " +
          axtrain::modeName(best->mode) +
          (best->recovered_share ? " (recovers " + percentText(*best->recovered_share) + ")" : "");
    }
  }
  return line;
}

}  // namespace nnadc::io
