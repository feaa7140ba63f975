#pragma once
// A delay varied by +/- a fraction, so that crawlers (and one crawler's
// retries) do not act in lockstep. Reproducible: the same seed gives the
// same delays.

#include <chrono>
#include <cstdint>

#include "corolab/clock.hpp"

namespace corolab::crawler {

class Jitter {
 public:
  // `fraction` 0.5: delays vary from half to one and a half times as long.
  Jitter(double fraction, std::uint64_t seed) noexcept
      : fraction_(fraction), state_(seed * 0x9E3779B97F4A7C15ull + 1) {}

  Duration operator()(Duration delay) noexcept {
    if (delay <= Duration{0} || fraction_ <= 0) return delay;
    state_ ^= state_ << 13;  // xorshift64: small, fast, reproducible
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    const double unit = static_cast<double>(state_ >> 11) / static_cast<double>(1ull << 53);
    const double factor = 1.0 + fraction_ * (2.0 * unit - 1.0);
    return std::chrono::duration_cast<Duration>(delay * factor);
  }

 private:
  double fraction_;
  std::uint64_t state_;
};

}  // namespace corolab::crawler
