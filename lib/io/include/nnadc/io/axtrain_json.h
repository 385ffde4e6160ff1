#pragma once
/// Files of the axtrain module: the result JSON of an AxTrain study (field names as CLI.md fixes
/// them) and its one-line summary.
#include <string>

#include "nnadc/axtrain/study.h"
#include "nnadc/io/json.h"
#include "nnadc/nn/trainer.h"

namespace nnadc::io {

/// `fraction` as a percentage with two decimals, e.g. 0.8734 -> "87.34%".
std::string percentText(double fraction);

/// {"diverged", "epochs": [{"epoch", "loss", "penalty", "seconds", "samples_per_second"}]}.
Json trainingHistoryJson(const nn::TrainSummary& training);

/// The study's result: provenance, dataset, network, baseline and plain accuracies, the
/// pre-training history, then per error model its statistics and per mode the hardware
/// accuracies, sensitivity (and its change against plain, null without plain), recovered share
/// and training history.
Json axtrainJson(const axtrain::Study& study, const Provenance& provenance);

/// "axtrain: baseline B%; MODEL: plain P%, best A% MODE (recovers R%)..." (no output path).
std::string axtrainSummary(const axtrain::Study& study);

}  // namespace nnadc::io
