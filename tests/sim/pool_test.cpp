#include "nnadc/sim/pool.h"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "../test_paths.h"
#include "decks.h"
#include "nnadc/core/error.h"

namespace {

nnadc::sim::RunRequest sweepJob(double r2_ohm) {
  // v(b) = v1 * r2 / (1k + r2): each job has its own known answer, so a mix-up of results
  // between jobs would show.
  nnadc::sim::RunRequest job;
  job.deck = "* sweep\nv1 a 0 0\nr1 a b 1k\nr2 b 0 " + std::to_string(r2_ohm) +
             "\n.dc v1 0 1 0.25\n.end\n";
  job.vectors = {"v(b)"};
  return job;
}

void checkSweep(const nnadc::sim::JobOutcome& outcome, double r2_ohm) {
  REQUIRE_MESSAGE(outcome.ok, outcome.error_id << " " << outcome.error_message);
  const auto* sweep = outcome.result.find("v-sweep");
  const auto* vb = outcome.result.find("v(b)");
  REQUIRE(sweep != nullptr);
  REQUIRE(vb != nullptr);
  REQUIRE(vb->real.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    // Linear divider solved exactly up to double rounding.
    CHECK(vb->real[i] ==
          doctest::Approx(sweep->real[i] * r2_ohm / (1000.0 + r2_ohm)).epsilon(1e-12));
  }
}

nnadc::sim::RunRequest deckJob(const char* deck) {
  nnadc::sim::RunRequest job;
  job.deck = deck;
  return job;
}

nnadc::sim::PoolOptions twoWorkers() {
  nnadc::sim::PoolOptions options;
  options.workers = 2;
  return options;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("PoolReturnsResultsInSubmissionOrder") {
    nnadc::sim::WorkerPool pool(twoWorkers());
    std::vector<nnadc::sim::RunRequest> jobs;
    for (int i = 1; i <= 12; ++i) jobs.push_back(sweepJob(100.0 * i));
    const auto outcomes = pool.runBatch(jobs);
    REQUIRE(outcomes.size() == jobs.size());
    for (int i = 1; i <= 12; ++i) checkSweep(outcomes[static_cast<std::size_t>(i - 1)], 100.0 * i);
  }

  TEST_CASE("CrashingAndHangingJobsFailWhileTheRestOfTheBatchSucceeds") {
    nnadc::sim::WorkerPool pool(twoWorkers());
    std::vector<nnadc::sim::RunRequest> jobs;
    jobs.push_back(sweepJob(1000.0));
    // A deck whose control block kills its own worker (the worker leads its process group).
    nnadc::sim::RunRequest killer;
    killer.deck = "* killer\nr1 a 0 1k\nv1 a 0 1\n.op\n.control\nshell kill -9 0\n.endc\n.end\n";
    jobs.push_back(killer);
    jobs.push_back(sweepJob(2000.0));
    // A deck that never finishes.
    nnadc::sim::RunRequest hang;
    hang.deck = "* hang\nr1 a 0 1k\nv1 a 0 1\n.op\n.control\nshell sleep 600\n.endc\n.end\n";
    hang.timeout_s = 1.0;
    jobs.push_back(hang);
    jobs.push_back(sweepJob(3000.0));
    jobs.push_back(deckJob(nnadc::test::kMalformedDeck));
    jobs.push_back(sweepJob(4000.0));

    const auto start = std::chrono::steady_clock::now();
    const auto outcomes = pool.runBatch(jobs);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    checkSweep(outcomes[0], 1000.0);
    CHECK_FALSE(outcomes[1].ok);
    CHECK(outcomes[1].error_id == "NNADC-SIM-011");
    CHECK(outcomes[1].error_message.find("signal 9") != std::string::npos);
    // A crashed job runs once more on a fresh worker; this one crashes both times.
    CHECK(outcomes[1].error_message.find("the first:") != std::string::npos);
    checkSweep(outcomes[2], 2000.0);
    CHECK_FALSE(outcomes[3].ok);
    CHECK(outcomes[3].error_id == "NNADC-SIM-010");
    checkSweep(outcomes[4], 3000.0);
    CHECK_FALSE(outcomes[5].ok);
    CHECK(outcomes[5].error_id == "NNADC-SIM-001");
    checkSweep(outcomes[6], 4000.0);
    // At least the killed worker was replaced before the batch ended (the hung one is replaced
    // lazily, when there is work for it).
    CHECK(pool.workersStarted() >= 3);
    // The hang cost its 1 s timeout, not its 600 s sleep (generous bound for a loaded machine).
    CHECK(elapsed < 30.0);
    // Both worker slots work again for the next batch.
    const auto again = pool.runBatch({sweepJob(5000.0), sweepJob(6000.0), sweepJob(7000.0)});
    checkSweep(again[0], 5000.0);
    checkSweep(again[1], 6000.0);
    checkSweep(again[2], 7000.0);
  }

  TEST_CASE("AJobWhoseWorkerWasKilledOnceSucceedsOnAFreshWorker") {
    const auto dir = nnadc::test::scratchDir("pool_retry");
    nnadc::sim::WorkerPool pool(twoWorkers());
    const int started = pool.workersStarted();
    nnadc::sim::RunRequest once;
    once.deck =
        "* killed once\nr1 a 0 1k\nv1 a 0 1\n.op\n" + nnadc::test::killOnceControl(dir) + ".end\n";
    const auto outcomes = pool.runBatch({once, sweepJob(800.0)});
    CHECK_MESSAGE(outcomes[0].ok, outcomes[0].error_message);
    CHECK(std::filesystem::exists(dir / "killed_once"));
    checkSweep(outcomes[1], 800.0);
    CHECK(pool.workersStarted() == started + 1);
  }

  TEST_CASE("DeckThatQuitsNgspiceDoesNotTakeTheProcessDown") {
    // `quit` makes ngspice call ControlledExit; the worker reports it and a fresh one follows.
    nnadc::sim::WorkerPool pool(twoWorkers());
    nnadc::sim::RunRequest quitter;
    quitter.deck = "* quit\nr1 a 0 1k\nv1 a 0 1\n.op\n.control\nquit\n.endc\n.end\n";
    const auto outcomes = pool.runBatch({quitter, sweepJob(500.0), sweepJob(700.0)});
    CHECK_FALSE(outcomes[0].ok);
    checkSweep(outcomes[1], 500.0);
    checkSweep(outcomes[2], 700.0);
    // The pool keeps working for the next batch.
    checkSweep(pool.runBatch({sweepJob(900.0)})[0], 900.0);
  }

  TEST_CASE("RunThrowsTheJobsSimulationError") {
    nnadc::sim::WorkerPool pool(twoWorkers());
    CHECK_THROWS_WITH_AS(pool.run(deckJob(nnadc::test::kUnknownModelDeck)),
                         doctest::Contains("NNADC-SIM-001"), nnadc::SimulationError);
  }

  TEST_CASE("PoolReportsTheNgspiceVersion") {
    nnadc::sim::WorkerPool pool(twoWorkers());
    CHECK(pool.version().rfind("ngspice-", 0) == 0);
  }

  TEST_CASE("BadPoolOptionsAreRejected") {
    nnadc::sim::PoolOptions options;
    options.workers = -1;
    CHECK_THROWS_WITH_AS(nnadc::sim::WorkerPool{options}, doctest::Contains("NNADC-SIM-007"),
                         nnadc::InputError);
  }
}
