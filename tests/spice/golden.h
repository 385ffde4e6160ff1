#pragma once
// Golden-deck comparison shared by the stage and pipeline emitter tests: a deck must equal the
// committed file in netlists/golden byte for byte; NNADC_UPDATE_GOLDEN=1 rewrites the files.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../test_paths.h"
#include "nnadc/spice/stage_deck.h"

namespace nnadc::test {

/// "<prefix>_<bench>.<dialect>.cir" (".scs" for Spectre).
inline std::string goldenName(const std::string& prefix, spice::Bench bench,
                              spice::Dialect dialect) {
  return prefix + "_" + spice::benchName(bench) + "." + spice::dialectName(dialect) +
         (dialect == spice::Dialect::kSpectre ? ".scs" : ".cir");
}

inline void checkGolden(const std::string& deck, const std::string& name) {
  const std::filesystem::path path = sourceDir() / "netlists" / "golden" / name;
  CAPTURE(name);
  const char* env = std::getenv("NNADC_UPDATE_GOLDEN");
  if (env != nullptr && std::string(env) == "1") std::ofstream(path, std::ios::binary) << deck;
  REQUIRE_MESSAGE(std::filesystem::exists(path), "run NNADC_UPDATE_GOLDEN=1 test_spice");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  CHECK(deck == s.str());
}

}  // namespace nnadc::test
