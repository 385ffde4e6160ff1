// nnadc axtrain: AxTrain-style training of an ordinary classifier (MLP) for approximate hardware,
// plain vs passive vs active vs both, evaluated by Monte-Carlo under each error model (issue 7).
// Thin shell over nnadc::axtrain::runStudy.
#include <cstdint>
#include <string>
#include <vector>

#include "cli_common.h"
#include "nnadc/axtrain/study.h"
#include "nnadc/io/axtrain_json.h"
#include "nnadc/io/file.h"

namespace nnadc::cli {

namespace {

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
  std::string precision = "float";
  int draws = 10;
  double require_baseline = -1.0;
};

int runAxTrain(CLI::App& sub, AxTrainCliOptions& o) {
  StderrLogger logger(&o.common.quiet);
  axtrain::StudyOptions study_options;
  study_options.data = {o.data_dir, o.synthetic, o.train_limit, o.test_limit};
  study_options.data.validate();
  axtrain::requireFieldInRange("require-baseline", o.require_baseline, -1.0, 1.0);

  axtrain::ExperimentOptions& options = study_options.experiment;
  options.hidden.assign(o.hidden.begin(), o.hidden.end());
  options.pretrain.epochs = o.epochs;
  options.pretrain.batch_size = o.batch;
  options.pretrain.adam.learning_rate = o.lr;
  options.finetune.epochs = o.finetune_epochs;
  options.finetune.batch_size = o.batch;
  options.finetune.adam.learning_rate = o.finetune_lr;
  options.penalty.lambda = o.lambda;
  options.penalty.fd_step = o.fd_step;
  options.precision = o.precision == "double" ? nn::Precision::kDouble : nn::Precision::kFloat;
  options.draws = o.draws;
  options.seed = o.common.seed.value_or(kDefaultSeed);
  options.modes.clear();
  for (const std::string& m : o.modes) options.modes.push_back(axtrain::parseMode(m));
  for (const std::string& m : o.error_models) {
    options.models.push_back(axtrain::ErrorModelSpec::parse(m));
  }
  study_options.validate();

  const axtrain::Study study = axtrain::runStudy(study_options, logger);

  io::Provenance provenance;
  provenance.command = "axtrain";
  provenance.config = effectiveConfig(sub);
  provenance.seed = options.seed;
  io::writeOutput(o.common.output, io::dumpJson(io::axtrainJson(study, provenance)));
  printSummary(o.common, io::axtrainSummary(study) + " -> " + o.common.output);
  const double baseline = study.summary.baseline_accuracy;
  if (o.require_baseline >= 0.0 && baseline < o.require_baseline) {
    logger.warning("baseline accuracy " + io::percentText(baseline) + " is below " +
                   "--require-baseline " + io::percentText(o.require_baseline));
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
                  "Unused since the Hessian-vector product is exact (kept for old configs)")
      ->capture_default_str();
  sub->add_option("--precision", o.precision,
                  "Arithmetic of the training and evaluation passes (weights and Adam stay double)")
      ->check(CLI::IsMember({"float", "double"}))
      ->capture_default_str();
  sub->add_option("--draws", o.draws, "Monte-Carlo error draws per evaluation")
      ->capture_default_str();
  sub->add_option("--require-baseline", o.require_baseline,
                  "Exit 1 if the exact-arithmetic baseline test accuracy is below this fraction");
  setRun(
      *sub, options->common, [sub, options] { return runAxTrain(*sub, *options); }, exit_code);
}

}  // namespace nnadc::cli
