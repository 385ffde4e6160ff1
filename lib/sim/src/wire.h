#pragma once
// Byte encoding of jobs and results between the pool and its workers (same machine, same binary,
// so native endianness and IEEE doubles are fine). A decoder never reads past its buffer: a short
// or corrupt message is reported, not trusted.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace nnadc::sim::wire {

class Writer {
 public:
  template <typename T>
  void pod(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const char*>(&value);
    bytes_.append(p, sizeof(T));
  }
  void str(std::string_view s) {
    pod<std::uint64_t>(s.size());
    bytes_.append(s.data(), s.size());
  }
  void doubles(const double* data, std::size_t n) {
    pod<std::uint64_t>(n);
    bytes_.append(reinterpret_cast<const char*>(data), n * sizeof(double));
  }
  [[nodiscard]] const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  bool pod(T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (bytes_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool str(std::string& s) {
    std::uint64_t n = 0;
    if (!pod(n) || bytes_.size() - pos_ < n) return false;
    s.assign(bytes_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool doubles(std::vector<double>& v) {
    std::uint64_t n = 0;
    if (!pod(n) || (bytes_.size() - pos_) / sizeof(double) < n) return false;
    v.resize(n);
    std::memcpy(v.data(), bytes_.data() + pos_, n * sizeof(double));
    pos_ += n * sizeof(double);
    return true;
  }
  [[nodiscard]] bool done() const { return pos_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

}  // namespace nnadc::sim::wire
