#include "nnadc/core/log.h"

namespace nnadc {

Logger& nullLogger() {
  static NullLogger logger;
  return logger;
}

}  // namespace nnadc
