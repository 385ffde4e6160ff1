#include "nnadc/core/check.h"

#include <cmath>
#include <string>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc {

void requireInRange(const char* id, std::string_view field, double value, double lo, double hi,
                    std::string_view unit) {
  if (std::isfinite(value) && value >= lo && value <= hi) return;
  std::string message = "field '" + std::string(field) + "' = " + formatDouble(value) +
                        " is outside the allowed range [" + formatDouble(lo) + ", " +
                        formatDouble(hi) + "]";
  if (!unit.empty()) message += " " + std::string(unit);
  throw InputError(id, message);
}

}  // namespace nnadc
