// The study around the experiment: data selection, its validation, and how a report picks the
// plain and the best mode.
#include "nnadc/axtrain/study.h"

#include <doctest/doctest.h>

#include "nnadc/core/error.h"

namespace ax = nnadc::axtrain;

namespace {

ax::ModeResult modeWithAccuracy(ax::Mode mode, double accuracy) {
  ax::ModeResult r;
  r.mode = mode;
  r.evaluation.accuracy_mean = accuracy;
  return r;
}

}  // namespace

TEST_SUITE("axtrain") {
  TEST_CASE("SyntheticDataIsSplitFourToOneAndLimited") {
    ax::DataOptions data;
    data.synthetic = 200;
    CHECK(data.source() == "synthetic");
    const ax::TrainTest all = ax::loadData(data, 1);
    CHECK(all.train.size() == 200);
    CHECK(all.test.size() == 50);
    CHECK(all.train.featureCount() == ax::kSyntheticFeatures);
    data.train_limit = 30;
    data.test_limit = 7;
    const ax::TrainTest limited = ax::loadData(data, 1);
    CHECK(limited.train.size() == 30);
    CHECK(limited.test.size() == 7);
    CHECK(limited.train.features == all.train.features.leftCols(30));  // same draw, cut
  }

  TEST_CASE("DataOptionsNameTheFieldOutOfRange") {
    ax::DataOptions data;
    data.train_limit = -1;
    CHECK_THROWS_WITH_AS(data.validate(),
                         "error[NNADC-AXT-006]: field 'train-limit' = -1 is outside [0, 1e+09]",
                         nnadc::InputError);
  }

  TEST_CASE("BestModeIsTheMostAccurateModeOtherThanPlainAndTheFirstOfEquals") {
    ax::ModelResult model;
    CHECK(ax::plainMode(model) == nullptr);
    CHECK(ax::bestMode(model) == nullptr);
    model.modes = {
        modeWithAccuracy(ax::Mode::kPlain, 0.9), modeWithAccuracy(ax::Mode::kPassive, 0.7),
        modeWithAccuracy(ax::Mode::kActive, 0.8), modeWithAccuracy(ax::Mode::kBoth, 0.8)};
    CHECK(ax::plainMode(model) == &model.modes[0]);
    CHECK(ax::bestMode(model) == &model.modes[2]);
  }
}
