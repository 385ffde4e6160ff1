#pragma once
// Small decks with known answers, shared by the sim tests.
#include <filesystem>
#include <fstream>
#include <string>

#include "../test_paths.h"

namespace nnadc::test {

// 2.5 V into 1.5k over (1k || 1.5k): v(b) = 2.5 * 600 / 2100 = 0.714285714...
inline const char* kDividerDeck = R"(* divider
v1 a 0 2.5
r1 a b 1.5k
r2 b 0 1k
r3 b 0 1.5k
.op
.end
)";
inline constexpr double kDividerVb = 2.5 * 600.0 / 2100.0;

// DC sweep of v1 0..1 V step 0.1 into a 1k/3k divider: v(b) = 0.75 * v1.
inline const char* kSweepDeck = R"(* sweep
v1 a 0 0
r1 a b 1k
r2 b 0 3k
.dc v1 0 1 0.1
.end
)";

// Two back-to-back diodes with absurd parameters and crippled iteration limits: the transient
// aborts with "Timestep too small" (checked against ngspice -b by hand: "run simulation(s)
// aborted").
inline const char* kNonConvergingDeck = R"(* nonconverging
.options itl1=3 itl2=3 itl4=2 noopiter gminsteps=0 srcsteps=0
v1 a 0 pulse(0 5 0 1p 1p 1n 2n)
d1 a b dmod
d2 b 0 dmod
c1 b 0 1p
.model dmod d is=1e-30 n=0.01 rs=0
.tran 1p 10n
.end
)";

// A MOSFET whose model is defined nowhere.
inline const char* kUnknownModelDeck = R"(* unknown model
v1 a 0 1
m1 a a 0 0 nosuchmodel w=1u l=1u
.dc v1 0 1 0.5
.end
)";

// Garbage: an unknown subcircuit and a resistor without a value.
inline const char* kMalformedDeck = R"(* malformed
v1 a 0 1
r1 a 0
xq a b nosuchsubckt
.op
.end
)";

/// A .control block that kills the worker's process group on the first run only: it runs a
/// script (written into `dir`) that leaves `dir`/killed_once behind and lets the second run
/// finish. A script, because ngspice rewrites `&&`, `{` and `}` in a deck's shell line.
inline std::string killOnceControl(const std::filesystem::path& dir) {
  const auto marker = dir / "killed_once";
  const auto script = dir / "kill_once.sh";
  std::ofstream(script) << "test -e " << marker.string() << " && exit 0\ntouch " << marker.string()
                        << "\nkill -9 0\n";
  return ".control\nshell sh " + controlWord(script) + "\n.endc\n";
}

}  // namespace nnadc::test
