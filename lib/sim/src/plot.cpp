#include "nnadc/sim/plot.h"

#include "nnadc/core/text.h"

namespace nnadc::sim {

const Vector* Plot::find(std::string_view vector_name) const {
  const std::string wanted = toLower(vector_name);
  for (const Vector& v : vectors) {
    if (toLower(v.name) == wanted) return &v;
  }
  // A bare node name means its voltage, as in ngspice's own commands.
  if (wanted.find('(') == std::string::npos) {
    const std::string voltage = "v(" + wanted + ")";
    for (const Vector& v : vectors) {
      if (toLower(v.name) == voltage) return &v;
    }
  }
  return nullptr;
}

}  // namespace nnadc::sim
