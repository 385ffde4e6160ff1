#include "nnadc/metrics/transitions.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnadc/core/error.h"

namespace nnadc::metrics {

TransitionLinearity transitionLinearity(const std::vector<double>& ideal,
                                        const std::vector<double>& x,
                                        const std::vector<std::int64_t>& codes) {
  if (ideal.empty() || x.size() != codes.size() || x.size() < 2) {
    throw InputError("NNADC-MET-017",
                     "transition linearity needs at least 2 codes and one code per sweep input (" +
                         std::to_string(ideal.size() + 1) + " codes, " + std::to_string(x.size()) +
                         " inputs, " + std::to_string(codes.size()) + " codes read)");
  }
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (!(x[i] > x[i - 1])) {
      throw InputError("NNADC-MET-017", "the sweep input " + std::to_string(i) +
                                            " does not exceed the one before it: the sweep must "
                                            "rise strictly");
    }
  }
  const auto k = static_cast<std::int64_t>(ideal.size()) + 1;
  // Histogram of codes; n_below[c] = samples with code < c.
  std::vector<std::size_t> count(static_cast<std::size_t>(k), 0);
  for (const std::int64_t c : codes)
    ++count[static_cast<std::size_t>(std::clamp<std::int64_t>(c, 0, k - 1))];
  TransitionLinearity r;
  const auto width = [&](std::int64_t c) {
    const std::int64_t cc = std::clamp<std::int64_t>(c, 1, std::max<std::int64_t>(1, k - 2));
    if (k < 3) return 1.0;
    return ideal[static_cast<std::size_t>(cc)] - ideal[static_cast<std::size_t>(cc - 1)];
  };
  std::size_t below = 0;
  for (std::int64_t c = 1; c < k; ++c) {
    below += count[static_cast<std::size_t>(c - 1)];
    double t = 0.0;
    double half_step = 0.0;
    if (below == 0) {
      t = x.front();
    } else if (below >= x.size()) {
      t = x.back();
    } else {
      t = 0.5 * (x[below - 1] + x[below]);
      half_step = 0.5 * (x[below] - x[below - 1]);
    }
    r.transitions.push_back(t);
    const double w = width(c);
    const double inl = (t - ideal[static_cast<std::size_t>(c - 1)]) / w;
    r.inl_lsb.push_back(inl);
    r.resolution_lsb = std::max(r.resolution_lsb, half_step / w);
    if (std::abs(inl) > r.max_abs_inl_lsb) {
      r.max_abs_inl_lsb = std::abs(inl);
      r.worst_inl_code = static_cast<int>(c);
    }
  }
  for (std::int64_t c = 1; c + 1 < k; ++c) {
    const double actual =
        r.transitions[static_cast<std::size_t>(c)] - r.transitions[static_cast<std::size_t>(c - 1)];
    const double dnl = (actual - width(c)) / width(c);
    r.dnl_lsb.push_back(dnl);
    if (std::abs(dnl) > r.max_abs_dnl_lsb) {
      r.max_abs_dnl_lsb = std::abs(dnl);
      r.worst_dnl_code = static_cast<int>(c);
    }
  }
  for (std::int64_t c = 0; c < k; ++c) {
    if (count[static_cast<std::size_t>(c)] == 0) {
      ++r.missing_codes;
      r.missing.push_back(static_cast<int>(c));
    }
  }
  return r;
}

}  // namespace nnadc::metrics
