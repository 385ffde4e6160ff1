#pragma once
/// Where device models come from: the card nnadc ships (models/cmos130.lib) or a user's PDK
/// library (`--model-lib FILE [--lib-section tt] --nmos NAME --pmos NAME`).
#include <filesystem>
#include <string>

namespace nnadc::spice {

struct ModelSource {
  std::filesystem::path lib_file;  ///< model library; empty = the shipped default card
  std::string section = "tt";      ///< `.lib` section; empty = plain `.include`
  std::string nmos = "nmos130";    ///< NMOS model (or subcircuit) name
  std::string pmos = "pmos130";    ///< PMOS model name
  /// Throws InputError NNADC-NET-001 (file missing) or NNADC-NET-002 (empty/invalid names).
  void validate() const;
  [[nodiscard]] bool isDefault() const { return lib_file.empty(); }
};

/// Directory of the shipped models: $NNADC_MODELS_DIR if set, else the source tree's models/
/// (developer builds), else <prefix>/share/nnadc/models next to an installed binary.
std::filesystem::path modelsDir();

/// The shipped default model library (modelsDir()/cmos130.lib).
std::filesystem::path defaultModelLib();

/// SPICE lines that make the models available in a deck. With `inline_models` (and a plain
/// model file) the model text is copied into the deck, so it runs anywhere; otherwise a `.lib` /
/// `.include` card with the absolute path is written (PDKs include further files relatively).
std::string modelCards(const ModelSource& source, bool inline_models);

}  // namespace nnadc::spice
