#pragma once
// "0.05 s", "5 s": how messages say a duration.

#include <fmt/format.h>

#include <chrono>
#include <string>

#include "corolab/clock.hpp"

namespace corolab::redis::detail {

inline std::string seconds_text(Duration duration) {
  return fmt::format("{:g} s", std::chrono::duration<double>(duration).count());
}

}  // namespace corolab::redis::detail
