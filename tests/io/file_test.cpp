#include <doctest/doctest.h>

#include <fstream>

#include "../test_paths.h"
#include "nnadc/core/error.h"
#include "nnadc/io/file.h"
#include "nnadc/io/json.h"

namespace fs = std::filesystem;

namespace {
std::size_t fileCount(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}
}  // namespace

TEST_SUITE("io") {
  TEST_CASE("AtomicWriteCreatesDirectoriesAndReplacesContent") {
    const auto dir = nnadc::test::scratchDir("atomic");
    const auto path = dir / "a" / "b" / "out.json";
    nnadc::io::writeFileAtomic(path, "first");
    CHECK(nnadc::io::readTextFile(path) == "first");
    nnadc::io::writeFileAtomic(path, "second");
    CHECK(nnadc::io::readTextFile(path) == "second");
    CHECK(fileCount(path.parent_path()) == 1);  // no temp file left behind
  }

  TEST_CASE("FailedWriteNamesThePathAndLeavesNoPartialFile") {
    const auto dir = nnadc::test::scratchDir("atomic_fail");
    { std::ofstream(dir / "blocker") << "I am a file, not a directory"; }
    CHECK_THROWS_WITH_AS(nnadc::io::writeFileAtomic(dir / "blocker" / "out.json", "x"),
                         doctest::Contains("NNADC-IO-002"), nnadc::InputError);
    // Writing over a directory fails at rename: the directory survives, no temp file remains.
    fs::create_directories(dir / "adir");
    CHECK_THROWS_WITH_AS(nnadc::io::writeFileAtomic(dir / "adir", "x"), doctest::Contains("adir"),
                         nnadc::InputError);
    CHECK(fs::is_directory(dir / "adir"));
    CHECK(fileCount(dir) == 2);
  }

  TEST_CASE("MissingAndMalformedJsonNameTheFile") {
    const auto dir = nnadc::test::scratchDir("json");
    CHECK_THROWS_WITH_AS(nnadc::io::loadJsonFile(dir / "none.json"),
                         doctest::Contains("NNADC-IO-001"), nnadc::InputError);
    { std::ofstream(dir / "bad.json") << "{\"a\": 1,,}"; }
    CHECK_THROWS_WITH_AS(nnadc::io::loadJsonFile(dir / "bad.json"),
                         doctest::Contains("NNADC-IO-003"), nnadc::InputError);
    CHECK_THROWS_WITH_AS(nnadc::io::loadJsonFile(dir / "bad.json"), doctest::Contains("bad.json"),
                         nnadc::InputError);
  }

  TEST_CASE("ProvenanceRecordsVersionSeedAndConfig") {
    nnadc::io::Provenance p;
    p.command = "characterize";
    p.seed = 7;
    p.config["vdd"] = 1.2;
    const auto j = nnadc::io::provenanceJson(p);
    CHECK(j["tool"] == "nnadc");
    CHECK(j["seed"] == 7);
    CHECK(j["config"]["vdd"] == 1.2);
    CHECK(j["ngspice_version"].is_null());
  }
}
