#pragma once
// Random: the site generator's only source of randomness.
//
// std::mt19937_64 produces the same numbers everywhere (the standard fixes
// its algorithm), but std::uniform_int_distribution does not: each standard
// library maps those numbers to a range its own way. So the range mapping is
// written out here, and a seed gives the same site with libstdc++ and libc++.

#include <cstddef>
#include <cstdint>
#include <random>

namespace corolab::demo_site {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, bound); bound > 0.
  std::size_t below(std::size_t bound) {
    const std::uint64_t n = bound;
    // 2^64 is rarely a multiple of n: the lowest (2^64 mod n) values would
    // make small results a little likelier, so they are drawn again.
    const std::uint64_t unfair = (std::uint64_t{0} - n) % n;
    std::uint64_t value = engine_();
    while (value < unfair) value = engine_();
    return static_cast<std::size_t>(value % n);
  }

  // True once in `times` draws.
  bool one_in(std::size_t times) { return below(times) == 0; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace corolab::demo_site
