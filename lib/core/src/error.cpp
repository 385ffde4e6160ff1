#include "nnadc/core/error.h"

namespace nnadc {

Error::Error(ErrorKind kind, std::string id, const std::string& message)
    : std::runtime_error("error[" + id + "]: " + message),
      kind_(kind),
      id_(std::move(id)),
      message_(message) {}

int Error::exitCode() const {
  switch (kind_) {
    case ErrorKind::kInput:
      return 2;
    case ErrorKind::kSimulation:
      return 3;
    case ErrorKind::kInternal:
      return 4;
  }
  return 4;
}

std::string formatError(const Error& error) { return error.what(); }

}  // namespace nnadc
