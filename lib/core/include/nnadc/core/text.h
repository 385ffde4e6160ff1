#pragma once
/// Small text helpers shared by the readers (CSV, raw files, configs).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnadc {

std::string_view trim(std::string_view text);
/// Parses the whole of `text` (after trimming) as a finite or infinite double; nullopt otherwise.
std::optional<double> parseDouble(std::string_view text);
/// Parses the whole of `text` (after trimming) as a base-10 integer; nullopt otherwise.
std::optional<long long> parseInteger(std::string_view text);
std::vector<std::string_view> splitWhitespace(std::string_view text);
std::string toLower(std::string_view text);
bool startsWith(std::string_view text, std::string_view prefix);
/// Formats a double with enough digits to round-trip (%.17g).
std::string formatDouble(double value);

}  // namespace nnadc
