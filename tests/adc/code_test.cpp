#include "nnadc/adc/code.h"

#include <doctest/doctest.h>

#include <bit>
#include <set>

#include "nnadc/core/error.h"

using nnadc::adc::CodeKind;
using nnadc::adc::OutputCode;

TEST_SUITE("adc") {
  TEST_CASE("SmoothCodeStepsFlipOneBitAndWordsAreDistinct") {
    for (const auto& [bits, outputs] :
         {std::pair{4, 8}, std::pair{5, 10}, std::pair{6, 14}, std::pair{3, 3}}) {
      CAPTURE(bits);
      const OutputCode code = OutputCode::make(CodeKind::kSmooth, bits, outputs);
      REQUIRE(code.levels() == (1 << bits));
      CHECK(code.outputs == outputs);
      std::set<nnadc::adc::Word> seen(code.words.begin(), code.words.end());
      CHECK(seen.size() == code.words.size());
      for (int l = 1; l < code.levels(); ++l) {
        CHECK(std::popcount(code.words[static_cast<std::size_t>(l)] ^
                            code.words[static_cast<std::size_t>(l - 1)]) == 1);
      }
    }
  }

  TEST_CASE("SmoothCodeSpreadsTogglesFarBelowABinaryLsb") {
    // 4 bits on 8 outputs: 15 steps over 8 outputs, so no output toggles more than a few times,
    // while the binary LSB toggles 15 times (NeuADC's reason for smooth codes).
    const OutputCode smooth = OutputCode::make(CodeKind::kSmooth, 4, 8);
    int worst = 0;
    for (int k = 0; k < smooth.outputs; ++k) worst = std::max(worst, smooth.toggles(k));
    CHECK(worst <= 3);
    const OutputCode binary = OutputCode::make(CodeKind::kBinary, 4);
    CHECK(binary.toggles(0) == 15);
  }

  TEST_CASE("GrayAndThermometerCodesAreTheTextbookOnes") {
    const OutputCode gray = OutputCode::make(CodeKind::kGray, 3);
    CHECK(gray.words == std::vector<nnadc::adc::Word>{0, 1, 3, 2, 6, 7, 5, 4});
    const OutputCode thermo = OutputCode::make(CodeKind::kThermometer, 2);
    CHECK(thermo.outputs == 3);
    CHECK(thermo.words == std::vector<nnadc::adc::Word>{0, 1, 3, 7});
  }

  TEST_CASE("DecoderPicksNearestCodewordAndCalibratedTableWins") {
    const OutputCode gray = OutputCode::make(CodeKind::kGray, 3);
    nnadc::adc::Decoder decoder(gray);
    for (int l = 0; l < 8; ++l) CHECK(decoder.decode(gray.words[static_cast<std::size_t>(l)]) == l);
    // Ramp calibration: word 3 seen for levels 2, 2, 3 -> mean 2.33 -> 2; an unused word keeps
    // the nearest-codeword rule.
    decoder.calibrate({3, 3, 3}, {2, 2, 3});
    CHECK(decoder.decode(3) == 2);
    CHECK(decoder.decode(6) == 4);
  }

  TEST_CASE("ImpossibleCodesAreInputErrors") {
    CHECK_THROWS_WITH_AS(OutputCode::make(CodeKind::kThermometer, 7),
                         doctest::Contains("NNADC-CFG-007"), nnadc::InputError);
    CHECK_THROWS_WITH_AS(OutputCode::make(CodeKind::kSmooth, 4, 2), doctest::Contains("'outputs'"),
                         nnadc::InputError);
    CHECK_THROWS_WITH_AS(nnadc::adc::parseCodeKind("hex"), doctest::Contains("'code'"),
                         nnadc::InputError);
  }
}
