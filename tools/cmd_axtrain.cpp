// nnadc axtrain: AxTrain-style training of an ordinary classifier (MLP) for approximate hardware,
// plain vs passive vs active vs both, evaluated by Monte-Carlo under each error model (issue 7).
#include <cmath>
#include <sstream>

#include "cli_common.h"
#include "nnadc/axtrain/axtrain.h"
#include "nnadc/core/error.h"
#include "nnadc/core/text.h"
#include "nnadc/io/file.h"

namespace nnadc::cli {

namespace {

// Synthetic set (CI-sized): 64 features, 4 classes, per-feature noise 0.35 around uniform
// prototypes; a 4:1 train:test split of one generated set (so both share the prototypes).
constexpr Eigen::Index kSyntheticFeatures = 64;
constexpr int kSyntheticClasses = 4;
constexpr double kSyntheticNoise = 0.35;
constexpr std::uint64_t kDefaultSeed = 1;

struct AxTrainCliOptions {
  CommonOptions common;
  std::string data_dir = axtrain::kFashionMnistDirectory;
  long synthetic = 0;
  long train_limit = 0;
  long test_limit = 0;
  std::vector<long> hidden = {256};
  int epochs = 15;
  int finetune_epochs = 5;
  long batch = 128;
  double lr = 1e-3;
  double finetune_lr = 3e-4;
  std::vector<std::string> error_models = {"mult:udm"};
  std::vector<std::string> modes = {"plain", "passive", "active", "both"};
  double lambda = 1.0;
  double fd_step = 1e-3;
  int draws = 10;
  double require_baseline = -1.0;
};

std::string percent(double fraction) {
  std::ostringstream s;
  s.precision(2);
  s << std::fixed << 100.0 * fraction << "%";
  return s.str();
}

io::Json historyJson(const nn::TrainSummary& t) {
  io::Json j;
  j["diverged"] = t.diverged;
  io::Json epochs = io::Json::array();
  for (const nn::EpochRecord& e : t.history) {
    epochs.push_back({{"epoch", e.epoch},
                      {"loss", e.loss},
                      {"penalty", e.penalty},
                      {"seconds", e.seconds},
                      {"samples_per_second", e.samples_per_second}});
  }
  j["epochs"] = epochs;
  return j;
}

io::Json optionalJson(const std::optional<double>& value) {
  return value ? io::Json(*value) : io::Json(nullptr);
}

int runAxTrain(CLI::App& sub, AxTrainCliOptions& o) {
  applyConfigFile(sub, o.common);
  StderrLogger logger(&o.common.quiet);
  auto require = [](const char* field, double value, double lo, double hi) {
    if (!std::isfinite(value) || value < lo || value > hi) {
      throw InputError("NNADC-AXT-006", std::string("field '") + field +
                                            "' = " + formatDouble(value) + " is outside [" +
                                            formatDouble(lo) + ", " + formatDouble(hi) + "]");
    }
  };
  require("synthetic", static_cast<double>(o.synthetic), 0, 1e7);
  require("train-limit", static_cast<double>(o.train_limit), 0, 1e9);
  require("test-limit", static_cast<double>(o.test_limit), 0, 1e9);
  require("require-baseline", o.require_baseline, -1.0, 1.0);

  axtrain::ExperimentOptions options;
  options.hidden.assign(o.hidden.begin(), o.hidden.end());
  options.pretrain.epochs = o.epochs;
  options.pretrain.batch_size = o.batch;
  options.pretrain.adam.learning_rate = o.lr;
  options.finetune.epochs = o.finetune_epochs;
  options.finetune.batch_size = o.batch;
  options.finetune.adam.learning_rate = o.finetune_lr;
  options.penalty.lambda = o.lambda;
  options.penalty.fd_step = o.fd_step;
  options.draws = o.draws;
  options.seed = o.common.seed.value_or(kDefaultSeed);
  options.modes.clear();
  for (const std::string& m : o.modes) options.modes.push_back(axtrain::parseMode(m));
  for (const std::string& m : o.error_models) {
    options.models.push_back(axtrain::ErrorModelSpec::parse(m));
  }
  options.validate();

  axtrain::TrainTest data;
  std::string source;
  if (o.synthetic > 0) {
    const Eigen::Index test_samples = std::max<Eigen::Index>(1, o.synthetic / 4);
    const nn::Dataset all =
        axtrain::syntheticDataset(o.synthetic + test_samples, kSyntheticFeatures, kSyntheticClasses,
                                  kSyntheticNoise, options.seed);
    data.train = nn::sliceDataset(all, 0, o.synthetic);
    data.test = nn::sliceDataset(all, o.synthetic, test_samples);
    source = "synthetic";
  } else {
    data = axtrain::loadFashionMnist(o.data_dir);
    source = o.data_dir;
  }
  if (o.train_limit > 0) data.train = nn::sliceDataset(data.train, 0, o.train_limit);
  if (o.test_limit > 0) data.test = nn::sliceDataset(data.test, 0, o.test_limit);

  const axtrain::ExperimentSummary summary =
      axtrain::runExperiment(data.train, data.test, options, logger);

  io::Provenance provenance;
  provenance.command = "axtrain";
  provenance.config = effectiveConfig(sub);
  provenance.seed = options.seed;
  io::Json j;
  j["provenance"] = io::provenanceJson(provenance);
  j["dataset"] = {{"source", source},
                  {"train_samples", data.train.size()},
                  {"test_samples", data.test.size()},
                  {"features", data.train.featureCount()},
                  {"classes", std::max(data.train.classes, data.test.classes)}};
  io::Json sizes = io::Json::array({data.train.featureCount()});
  for (const long h : o.hidden) sizes.push_back(h);
  sizes.push_back(std::max(data.train.classes, data.test.classes));
  j["network"] = {{"sizes", sizes}};
  j["baseline_accuracy"] = summary.baseline_accuracy;
  j["plain_exact_accuracy"] = summary.plain_accuracy;
  j["pretraining"] = historyJson(summary.pretraining);
  io::Json models = io::Json::array();
  std::string line = "axtrain: baseline " + percent(summary.baseline_accuracy);
  for (const axtrain::ModelResult& m : summary.models) {
    io::Json mj;
    mj["model"] = m.spec.name();
    if (m.multiplier_stats) {
      const axtrain::MultiplierStats& s = *m.multiplier_stats;
      mj["multiplier_stats"] = {{"mean_error", s.mean_error},
                                {"std_error", s.std_error},
                                {"mean_relative_error", s.mean_relative_error},
                                {"std_relative_error", s.std_relative_error},
                                {"max_abs_error", s.max_abs_error},
                                {"error_rate", s.error_rate}};
    } else {
      mj["multiplier_stats"] = nullptr;
    }
    mj["bit_error_rate"] = m.spec.kind == axtrain::ErrorModelKind::kNearThreshold
                               ? io::Json(m.spec.bit_error_rate)
                               : io::Json(nullptr);
    io::Json modes = io::Json::array();
    double plain_sensitivity = 0.0;
    double plain_hw = 0.0;
    for (const axtrain::ModeResult& r : m.modes) {
      if (r.mode == axtrain::Mode::kPlain) {
        plain_sensitivity = r.sensitivity;
        plain_hw = r.evaluation.accuracy_mean;
      }
    }
    std::string best;
    double best_accuracy = -1.0;
    for (const axtrain::ModeResult& r : m.modes) {
      io::Json rj;
      rj["mode"] = axtrain::modeName(r.mode);
      rj["exact_accuracy"] = r.evaluation.exact_accuracy;
      rj["hw_accuracy_mean"] = r.evaluation.accuracy_mean;
      rj["hw_accuracy_std"] = r.evaluation.accuracy_std;
      rj["hw_accuracies"] = r.evaluation.accuracies;
      rj["loss_increase"] = r.evaluation.loss_increase;
      rj["sensitivity"] = r.sensitivity;
      rj["sensitivity_change"] = plain_sensitivity > 0.0
                                     ? io::Json(r.sensitivity / plain_sensitivity - 1.0)
                                     : io::Json(nullptr);
      rj["recovered_share"] = optionalJson(r.recovered_share);
      rj["training"] = historyJson(r.training);
      modes.push_back(rj);
      if (r.mode != axtrain::Mode::kPlain && r.evaluation.accuracy_mean > best_accuracy) {
        best_accuracy = r.evaluation.accuracy_mean;
        best = axtrain::modeName(r.mode) +
               (r.recovered_share ? " (recovers " + percent(*r.recovered_share) + ")" : "");
      }
    }
    mj["modes"] = modes;
    models.push_back(mj);
    line += "; " + m.spec.name() + ": plain " + percent(plain_hw);
    if (!best.empty()) line += ", best " + percent(best_accuracy) + " " + best;
  }
  j["models"] = models;
  io::writeFileAtomic(o.common.output, io::dumpJson(j));
  printSummary(o.common, line + " -> " + o.common.output);
  if (o.require_baseline >= 0.0 && summary.baseline_accuracy < o.require_baseline) {
    logger.warning("baseline accuracy " + percent(summary.baseline_accuracy) + " is below " +
                   "--require-baseline " + percent(o.require_baseline));
    return kExitCheckFailed;
  }
  return kExitOk;
}

}  // namespace

void addAxTrainCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<AxTrainCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "axtrain",
      "Train an MLP classifier for approximate hardware (AxTrain: plain/passive/active/both) and "
      "evaluate it under hardware error by Monte-Carlo");
  addCommonOptions(*sub, options->common, "axtrain.json");
  auto& o = *options;
  sub->add_option("--data", o.data_dir,
                  "Directory of the Fashion-MNIST IDX files (Debian package "
                  "dataset-fashion-mnist)")
      ->capture_default_str();
  sub->add_option("--synthetic", o.synthetic,
                  "Use N generated training samples (64 features, 4 classes) instead of --data")
      ->capture_default_str();
  sub->add_option("--train-limit", o.train_limit, "Use only the first N training samples (0 = all)")
      ->capture_default_str();
  sub->add_option("--test-limit", o.test_limit, "Use only the first N test samples (0 = all)")
      ->capture_default_str();
  sub->add_option("--hidden", o.hidden, "Hidden layer sizes, e.g. 256 or 128,64")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--epochs", o.epochs, "Plain pre-training epochs")->capture_default_str();
  sub->add_option("--finetune-epochs", o.finetune_epochs,
                  "Epochs of each mode's own fine-tuning after pre-training (plain included)")
      ->capture_default_str();
  sub->add_option("--batch", o.batch, "Mini-batch size")->capture_default_str();
  sub->add_option("--lr", o.lr, "Adam learning rate of pre-training")->capture_default_str();
  sub->add_option("--finetune-lr", o.finetune_lr, "Adam learning rate of fine-tuning")
      ->capture_default_str();
  sub->add_option("--error-model", o.error_models,
                  "Hardware error model(s), repeatable: mult:udm|trunc<k>|bam<h>-<k>, "
                  "ntv:<V>V|ntv:ber=<p>, rram:sigma=<s>[,bits=<b>]")
      ->capture_default_str();
  sub->add_option("--modes", o.modes, "Training modes: plain,passive,active,both")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--lambda", o.lambda, "Weight of the active sensitivity penalty")
      ->capture_default_str();
  sub->add_option("--fd-step", o.fd_step,
                  "Step norm of the finite-difference Hessian-vector product")
      ->capture_default_str();
  sub->add_option("--draws", o.draws, "Monte-Carlo error draws per evaluation")
      ->capture_default_str();
  sub->add_option("--require-baseline", o.require_baseline,
                  "Exit 1 if the exact-arithmetic baseline test accuracy is below this fraction");
  sub->callback([sub, options, &exit_code] { exit_code = runAxTrain(*sub, *options); });
}

}  // namespace nnadc::cli
