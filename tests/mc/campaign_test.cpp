// The campaign runner with a scripted engine: shards, resume, retries, the --until-ci stop rule
// and the statistics, against values worked out independently.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <stdexcept>

#include "nnadc/core/error.h"
#include "nnadc/io/mc_json.h"
#include "nnadc/mc/campaign.h"

using namespace nnadc;
using namespace nnadc::mc;

namespace {
/// ENOB = 12 + (k mod 10) / 4: dies with k mod 10 < 6 have ENOB < 13.5. Die 5 fails once, dies
/// k mod 10 = 8 always fail.
class ScriptedEngine final : public Engine {
 public:
  explicit ScriptedEngine(int threads) : threads_(threads) {}
  [[nodiscard]] std::string name() const override { return "scripted"; }
  [[nodiscard]] int concurrency() const override { return threads_; }
  [[nodiscard]] bool provides(Metric m) const override { return m != Metric::kPowerW; }
  MetricValues run(int die) override {
    ++calls;
    if (die % 10 == 8) throw std::runtime_error("worker crashed");
    if (die == 5 && first_five_.exchange(false)) throw std::runtime_error("timeout");
    MetricValues m(kMetricCount);
    m[0] = 12.0 + (die % 10) / 4.0;
    m[static_cast<int>(Metric::kMissingCodes)] = 0.0;
    return m;
  }
  std::atomic<int> calls{0};

 private:
  int threads_;
  std::atomic<bool> first_five_{true};
};

Spec enobSpec() {
  Spec s;
  Criterion c;
  c.metric = Metric::kEnob;
  c.min = 13.5;
  s.criteria.push_back(c);
  return s;
}

std::string table(const CampaignSummary& s) { return io::diesCsv(s.dies); }
}  // namespace

TEST_SUITE("mc") {
  TEST_CASE("ShardsTogetherGiveTheUnshardedTable") {
    CampaignOptions o;
    o.dies = 40;
    ScriptedEngine e(3);
    const auto whole = runCampaign(e, enobSpec(), o, {}, [](const DieResult&) {});
    // Pass: k mod 10 in {6, 7, 9} (8 always fails to simulate): 3 of 10 -> 12 of 40.
    CHECK(whole.passed == 12);
    CHECK(whole.failed_simulations == 4);
    CHECK(whole.dies[8].attempts == 2);
    CHECK(whole.dies[8].failure == "worker crashed");
    CHECK(whole.dies[5].simulated);
    CHECK(whole.dies[5].attempts == 2);
    for (const int n : {2, 3}) {
      std::vector<std::vector<DieResult>> parts;
      for (int k = 0; k < n; ++k) {
        CampaignOptions s = o;
        s.shard = k;
        s.shards = n;
        ScriptedEngine es(2);
        parts.push_back(runCampaign(es, enobSpec(), s, {}, [](const DieResult&) {}).dies);
      }
      CHECK(table(summarize(mergeDies(parts, o.dies), enobSpec(), o)) == table(whole));
    }
  }

  TEST_CASE("ResumeRunsOnlyMissingDiesAndCountsNoneTwice") {
    CampaignOptions o;
    o.dies = 30;
    ScriptedEngine first(1);
    std::vector<DieResult> journal;
    const auto whole =
        runCampaign(first, enobSpec(), o, {}, [&](const DieResult& d) { journal.push_back(d); });
    REQUIRE(journal.size() == 30);
    journal.resize(11);  // killed after 11 dies
    ScriptedEngine second(2);
    const auto resumed = runCampaign(second, enobSpec(), o, journal, [](const DieResult&) {});
    // 19 dies left; die 8 was done, die 18 and 28 fail twice: 19 + 2 retries.
    CHECK(second.calls == 19 + 2);
    CHECK(table(resumed) == table(whole));
  }

  TEST_CASE("UntilCiStopsAtTheFirstNarrowPrefixWhateverTheThreads") {
    CampaignOptions o;
    o.dies = 5000;
    o.until_ci = 0.1;
    // Independent stop point: the first n >= 20 whose Wilson interval of the prefix is < 0.1.
    int expect = 0;
    int passed = 0;
    for (int n = 1; n <= 5000; ++n) {
      const int k = n - 1;
      passed += (k % 10 == 6 || k % 10 == 7 || k % 10 == 9) ? 1 : 0;
      if (n >= 20 && wilsonInterval(passed, n).width() < 0.1) {
        expect = n;
        break;
      }
    }
    REQUIRE(expect > 20);
    for (const int threads : {1, 2, 4}) {
      ScriptedEngine e(threads);
      const auto s = runCampaign(e, enobSpec(), o, {}, [](const DieResult&) {});
      CHECK(static_cast<int>(s.dies.size()) == expect);
      CHECK(s.stopped_early);
    }
  }

  TEST_CASE("StatisticsArePercentilesOfTheDies") {
    std::vector<DieResult> dies(5);
    for (int k = 0; k < 5; ++k) {
      dies[k].index = k;
      dies[k].metrics[0] = 10.0 + k;  // 10 .. 14
    }
    CampaignOptions o;
    o.dies = 5;
    const auto s = summarize(dies, enobSpec(), o);
    REQUIRE(!s.statistics.empty());
    CHECK(s.statistics[0].metric == "enob");
    CHECK(s.statistics[0].median == doctest::Approx(12.0));
    CHECK(s.statistics[0].p10 == doctest::Approx(10.4));  // type 7: 10 + 0.4 x 1
    CHECK(s.statistics[0].mean == doctest::Approx(12.0));
  }

  TEST_CASE("SpecOnAMetricTheEngineLacksIsRefused") {
    Spec s;
    Criterion c;
    c.metric = Metric::kPowerW;
    c.max = 1e-3;
    s.criteria.push_back(c);
    ScriptedEngine e(1);
    CampaignOptions o;
    o.dies = 2;
    try {
      (void)runCampaign(e, s, o, {}, [](const DieResult&) {});
      FAIL("no error");
    } catch (const InputError& err) {
      CHECK(err.id() == "NNADC-MC-002");
    }
  }
}
