#pragma once
/// Range checks for option structs' validate(): one wording for every module.
#include <string_view>

namespace nnadc {

/// Throws InputError `id` with "field 'NAME' = VALUE is outside the allowed range [LO, HI] UNIT"
/// unless `value` is finite and lo <= value <= hi.
void requireInRange(const char* id, std::string_view field, double value, double lo, double hi,
                    std::string_view unit = "");

}  // namespace nnadc
