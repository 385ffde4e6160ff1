#pragma once
/// Nonlinear quantisation through a pipeline's digital back end (ICCAD'19's configurable
/// quantisation): the linear output code is mapped to a `bits`-bit code of a nonlinear transfer
/// and compared with the ideal nonlinear quantiser of the same inputs:
///   log2: code = round(((log2 x + bits) / bits) (2^bits - 1)), x in [2^-bits, 1];
///   sqrt: code = round(sqrt(x) (2^bits - 1)), x in [0, 1];
///   mu-law: code = round(ln(1 + 255 x) / ln 256 (2^bits - 1)), x in [0, 1];
/// x is the input as a fraction of the first stage's window.
#include <string>

#include "nnadc/adc/design.h"

namespace nnadc::eval {

struct TransferOptions {
  std::string transfer;  ///< "log2" | "sqrt" | "mu-law"
  int bits = 10;         ///< resolution of the nonlinear code
  /// Throws InputError NNADC-CFG-007 (transfer) or NNADC-CFG-003 (bits outside [2, 16]).
  void validate() const;
};

struct TransferSummary {
  std::string transfer;
  int bits = 0;
  double max_error_lsb = 0.0;  ///< worst |code error| in LSB of the nonlinear code
  double rms_error_lsb = 0.0;
  double worst_input_fraction = 0.0;  ///< x where the worst error occurs
  /// An ideal linear quantiser of the design's resolution feeding the same mapping: the error
  /// linear resolution alone causes, told apart from the converter's own.
  double ideal_linear_max_error_lsb = 0.0;
};

/// Pipelines only: NNADC-CFG-003 for a single stage.
TransferSummary transferStudy(const adc::Design& design, const TransferOptions& options);

}  // namespace nnadc::eval
