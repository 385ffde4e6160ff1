#include "nnadc/sim/ngspice.h"

#include <doctest/doctest.h>

#include <unistd.h>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "../test_paths.h"
#include "decks.h"
#include "nnadc/core/error.h"
#include "nnadc/io/raw_reader.h"
#include "nnadc/spice/inverter.h"

namespace {

// One simulator for the whole executable: ngspice allows one instance per process.
nnadc::sim::NgspiceSimulator& simulator() {
  static nnadc::sim::NgspiceSimulator sim;
  return sim;
}

std::string errorIdOf(const std::string& deck) {
  try {
    nnadc::sim::RunRequest request;
    request.deck = deck;
    simulator().run(request);
  } catch (const nnadc::SimulationError& e) {
    return e.id() + " " + e.message();
  }
  return "no error";
}

long residentKiB() {
  std::ifstream statm("/proc/self/statm");
  long size = 0;
  long resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("DividerOperatingPointMatchesOhmsLaw") {
    nnadc::sim::RunRequest request;
    request.deck = nnadc::test::kDividerDeck;
    const auto result = simulator().run(request);
    const auto* vb = result.find("b");
    REQUIRE(vb != nullptr);
    REQUIRE(vb->real.size() == 1);
    // ngspice solves this linear network to machine precision (reltol only bounds iteration).
    CHECK(vb->real[0] == doctest::Approx(nnadc::test::kDividerVb).epsilon(1e-12));
  }

  TEST_CASE("SweepReturnsScaleFirstAndRequestedVectorsOnly") {
    nnadc::sim::RunRequest request;
    request.deck = nnadc::test::kSweepDeck;
    request.vectors = {"V(B)"};
    const auto result = simulator().run(request);
    REQUIRE(result.plots.size() == 1);
    const auto& plot = result.plots.front();
    REQUIRE(plot.vectors.size() == 2);
    CHECK(plot.vectors[0].name == "v-sweep");
    CHECK(plot.vectors[1].name == "v(b)");
    REQUIRE(plot.vectors[0].real.size() == 11);
    for (std::size_t i = 0; i < 11; ++i) {
      // Exact linear divider: 1e-12 relative covers double rounding in the solve.
      CHECK(plot.vectors[1].real[i] ==
            doctest::Approx(0.75 * plot.vectors[0].real[i]).epsilon(1e-12));
    }
  }

  TEST_CASE("InProcessRunMatchesNgspiceBatchRawFile") {
    // The inverter characterisation deck: nonlinear BSIM4, so agreement is a real check that the
    // in-process vectors are the ones ngspice computes.
    const std::string deck = nnadc::spice::inverterDcDeck({}, {});
    const auto dir = nnadc::test::scratchDir("inprocess_vs_batch");
    { std::ofstream(dir / "inv.cir") << deck; }
    const std::string cmd = nnadc::test::ngspiceExe().string() + " -b -r " +
                            (dir / "inv.raw").string() + " " + (dir / "inv.cir").string() + " > " +
                            (dir / "inv.log").string() + " 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    const auto plots = nnadc::io::readRawFile(dir / "inv.raw");
    REQUIRE(plots.size() == 1);

    nnadc::sim::RunRequest request;
    request.deck = deck;
    const auto result = simulator().run(request);
    for (const char* name : {"v-sweep", "v(out)", "i(vdd)"}) {
      CAPTURE(name);
      const auto* a = result.find(name);
      const auto* b = plots.front().find(name);
      REQUIRE(a != nullptr);
      REQUIRE(b != nullptr);
      REQUIRE(a->real.size() == b->real.size());
      for (std::size_t i = 0; i < a->real.size(); ++i) {
        // Issue requirement: 1e-9 relative; the absolute floor (1e-15 V or A) covers exact
        // zeros, where a relative bound is meaningless.
        CHECK(std::abs(a->real[i] - b->real[i]) <= 1e-9 * std::abs(b->real[i]) + 1e-15);
      }
    }
  }

  TEST_CASE("MalformedDeckIsASimulationErrorWithNgspiceMessage") {
    const std::string got = errorIdOf(nnadc::test::kMalformedDeck);
    CHECK(got.rfind("NNADC-SIM-001", 0) == 0);
    CHECK(got.find("nosuchsubckt") != std::string::npos);
  }

  TEST_CASE("UnknownModelIsASimulationErrorNamingTheModel") {
    const std::string got = errorIdOf(nnadc::test::kUnknownModelDeck);
    CHECK(got.rfind("NNADC-SIM-001", 0) == 0);
    CHECK(got.find("nosuchmodel") != std::string::npos);
  }

  TEST_CASE("NonConvergingDeckIsASimulationError") {
    const std::string got = errorIdOf(nnadc::test::kNonConvergingDeck);
    CHECK(got.rfind("NNADC-SIM-003", 0) == 0);
    CHECK(got.find("Timestep too small") != std::string::npos);
  }

  TEST_CASE("DeckWithoutAnalysisIsAnError") {
    CHECK(errorIdOf("* nothing\nr1 a 0 1k\nv1 a 0 1\n.end\n").rfind("NNADC-SIM-002", 0) == 0);
    CHECK(errorIdOf("").rfind("NNADC-SIM-002", 0) == 0);
  }

  TEST_CASE("MissingVectorIsAnError") {
    nnadc::sim::RunRequest request;
    request.deck = nnadc::test::kSweepDeck;
    request.vectors = {"v(nosuchnode)"};
    CHECK_THROWS_WITH_AS(simulator().run(request), doctest::Contains("NNADC-SIM-008"),
                         nnadc::SimulationError);
  }

  TEST_CASE("OversizeCommandIsRefusedNotTruncated") {
    const std::string command = "echo " + std::string(1100, 'x');
    CHECK_THROWS_WITH_AS(simulator().command(command), doctest::Contains("NNADC-SIM-004"),
                         nnadc::SimulationError);
    // 1023 characters is the limit itself and still goes through.
    CHECK_NOTHROW(simulator().command("echo " + std::string(1018, 'y')));
  }

  TEST_CASE("SecondInstanceInOneProcessIsRefused") {
    simulator();
    CHECK_THROWS_WITH_AS(nnadc::sim::NgspiceSimulator(), doctest::Contains("NNADC-SIM-005"),
                         nnadc::SimulationError);
  }

  TEST_CASE("SimulatorRecoversAfterAFailedRun") {
    CHECK(errorIdOf(nnadc::test::kMalformedDeck) != "no error");
    nnadc::sim::RunRequest request;
    request.deck = nnadc::test::kDividerDeck;
    const auto result = simulator().run(request);
    // Same exact-divider tolerance as above.
    CHECK(result.find("b")->real[0] == doctest::Approx(nnadc::test::kDividerVb).epsilon(1e-12));
  }

  TEST_CASE("DecimalCommaLocaleDoesNotBreakNgspice") {
    // ngspice 39 crashes (SIGSEGV, seen by hand) or misreads numbers when the process locale
    // uses a decimal comma. Build a German locale in scratch space so the test does not need
    // root, switch the process to it, and check the simulator still gets the exact answer.
    const auto dir = nnadc::test::scratchDir("locale");
    const std::string cmd =
        "localedef -i de_DE -f UTF-8 " + (dir / "de_DE.UTF-8").string() + " > /dev/null 2>&1";
    REQUIRE_MESSAGE(std::system(cmd.c_str()) == 0,
                    "localedef failed: install the Debian package 'locales'");
    ::setenv("LOCPATH", dir.c_str(), 1);
    REQUIRE(std::setlocale(LC_ALL, "de_DE.UTF-8") != nullptr);
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%.1f", 1.5);
    CHECK(std::string(buffer) == "1,5");  // the locale really is active
    nnadc::sim::RunRequest request;
    request.deck = nnadc::test::kDividerDeck;
    double vb = 0.0;
    CHECK_NOTHROW(vb = simulator().run(request).find("b")->real[0]);
    std::setlocale(LC_ALL, "C");
    ::unsetenv("LOCPATH");
    CHECK(vb == doctest::Approx(nnadc::test::kDividerVb).epsilon(1e-12));
  }

  TEST_CASE("ThousandSequentialRunsKeepMemoryFlat") {
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer keeps freed blocks in a quarantine (256 MB by default) and intercepts
    // ngspice's mallocs too, so resident memory measures the quarantine, not leaks. The release
    // build runs this check; LeakSanitizer covers leaks here.
    MESSAGE("memory-flatness check skipped under AddressSanitizer");
    return;
#endif
    nnadc::sim::RunRequest request;
    request.deck = nnadc::spice::inverterDcDeck(
        [] {
          nnadc::spice::InverterSpec spec;
          spec.step_v = 0.01;  // small sweep: the point is per-run overhead, not sweep size
          return spec;
        }(),
        {});
    // Warm up: ngspice grows some tables to their working size on the first runs.
    for (int i = 0; i < 50; ++i) simulator().run(request);
    const long before = residentKiB();
    for (int i = 0; i < 1000; ++i) simulator().run(request);
    const long growth = residentKiB() - before;
    MESSAGE("resident memory growth over 1000 runs: " << growth << " KiB");
    CHECK(growth < 5 * 1024);  // issue requirement: < 5 MB
  }

  TEST_CASE("VersionNamesNgspice") { CHECK(simulator().version().rfind("ngspice-", 0) == 0); }
}

TEST_SUITE("sim") {
  TEST_CASE("CommandsReplaceTheDecksAnalysis") {
    nnadc::sim::RunRequest request;
    request.deck = nnadc::test::kSweepDeck;
    request.commands = {"dc v1 0 2 1"};
    const auto result = simulator().run(request);
    const auto* vb = result.find("b");
    REQUIRE(vb != nullptr);
    REQUIRE(vb->real.size() == 3);
    CHECK(vb->real[2] == doctest::Approx(1.5).epsilon(1e-12));  // 0.75 * 2 V, exact divider
    request.commands = {"echo " + std::string(1100, 'z')};
    CHECK_THROWS_WITH_AS(simulator().run(request), doctest::Contains("NNADC-SIM-004"),
                         nnadc::SimulationError);
  }
}

namespace {
int threadCount() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "Threads:") {
      int n = 0;
      status >> n;
      return n;
    }
  }
  return -1;
}
}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("ThreadCapLimitsNgspicesOpenMpThreads") {
    // Debian's libngspice evaluates BSIM4 in OpenMP threads. With the cap at 2 the process gains
    // a worker thread (so this test can see threads); at 1 (the simulator's default, and what
    // pool workers use when processes fill the cores) it must stay single-threaded.
    // No test in this executable raises the cap before this one, so no OpenMP pool exists yet.
    nnadc::sim::RunRequest request;
    request.deck = nnadc::spice::inverterDcDeck({}, {});
    const int before = threadCount();
    simulator().command("set num_threads=1");
    simulator().run(request);
    CHECK(threadCount() == before);
    simulator().command("set num_threads=2");
    simulator().run(request);
    CHECK(threadCount() > before);
    simulator().command("set num_threads=1");
  }
}
