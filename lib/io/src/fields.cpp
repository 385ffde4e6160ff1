#include "nnadc/io/fields.h"

#include <cmath>
#include <limits>

#include "nnadc/core/error.h"
#include "nnadc/core/text.h"

namespace nnadc::io {

FieldReader::FieldReader(const Json& object, std::string file, std::string prefix)
    : object_(&object), file_(std::move(file)), prefix_(std::move(prefix)) {
  if (!object.is_object()) {
    throw InputError("NNADC-CFG-002",
                     "'" + file_ + "': " +
                         (prefix_.empty() ? std::string("the file") : "field '" + prefix_ + "'") +
                         " must be a JSON object");
  }
}

std::string FieldReader::where(const std::string& key) const {
  return "'" + file_ + "': field '" + (prefix_.empty() ? key : prefix_ + "." + key) + "'";
}

bool FieldReader::has(const std::string& key) const { return object_->contains(key); }

const Json& FieldReader::raw(const std::string& key) {
  read_.insert(key);
  if (!has(key)) throw InputError("NNADC-CFG-005", where(key) + " is required");
  return object_->at(key);
}

double FieldReader::number(const std::string& key, std::optional<double> fallback, double lo,
                           double hi) {
  read_.insert(key);
  if (!has(key)) {
    if (!fallback) throw InputError("NNADC-CFG-005", where(key) + " is required");
    return *fallback;
  }
  const Json& v = object_->at(key);
  if (!v.is_number()) {
    throw InputError("NNADC-CFG-002", where(key) + " must be a number, not " + v.dump());
  }
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < lo || x > hi) {
    throw InputError("NNADC-CFG-003", where(key) + " = " + formatDouble(x) +
                                          " is outside the allowed range [" + formatDouble(lo) +
                                          ", " + formatDouble(hi) + "]");
  }
  return x;
}

int FieldReader::integer(const std::string& key, std::optional<int> fallback, int lo, int hi) {
  const double x = number(key, fallback ? std::optional<double>(*fallback) : std::nullopt, lo, hi);
  if (x != std::floor(x)) {
    throw InputError("NNADC-CFG-002", where(key) + " must be an integer, not " + formatDouble(x));
  }
  return static_cast<int>(x);
}

std::uint64_t FieldReader::seed(const std::string& key, std::uint64_t fallback) {
  read_.insert(key);
  if (!has(key)) return fallback;
  const Json& v = object_->at(key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<long long>() >= 0)) {
    throw InputError("NNADC-CFG-002",
                     where(key) + " must be a non-negative integer, not " + v.dump());
  }
  return v.get<std::uint64_t>();
}

std::string FieldReader::string(const std::string& key, std::optional<std::string> fallback) {
  read_.insert(key);
  if (!has(key)) {
    if (!fallback) throw InputError("NNADC-CFG-005", where(key) + " is required");
    return *fallback;
  }
  const Json& v = object_->at(key);
  if (!v.is_string()) {
    throw InputError("NNADC-CFG-002", where(key) + " must be a string, not " + v.dump());
  }
  return v.get<std::string>();
}

bool FieldReader::boolean(const std::string& key, bool fallback) {
  read_.insert(key);
  if (!has(key)) return fallback;
  const Json& v = object_->at(key);
  if (!v.is_boolean()) {
    throw InputError("NNADC-CFG-002", where(key) + " must be true or false, not " + v.dump());
  }
  return v.get<bool>();
}

std::vector<double> FieldReader::numbers(const std::string& key, std::size_t min_size) {
  const Json& v = raw(key);
  if (!v.is_array() || v.size() < min_size) {
    throw InputError("NNADC-CFG-002", where(key) + " must be an array of at least " +
                                          std::to_string(min_size) + " numbers");
  }
  std::vector<double> out;
  for (const Json& e : v) {
    if (!e.is_number() || !std::isfinite(e.get<double>())) {
      throw InputError("NNADC-CFG-002", where(key) + " must hold only finite numbers");
    }
    out.push_back(e.get<double>());
  }
  return out;
}

FieldReader FieldReader::object(const std::string& key) {
  read_.insert(key);
  const std::string nested = prefix_.empty() ? key : prefix_ + "." + key;
  static const Json kEmpty = Json::object();
  if (!has(key)) return {kEmpty, file_, nested};
  return {object_->at(key), file_, nested};
}

void FieldReader::finish() const {
  for (const auto& [key, value] : object_->items()) {
    if (read_.count(key) == 0) {
      throw InputError("NNADC-CFG-001", where(key) + " is not a known key");
    }
  }
}

}  // namespace nnadc::io
