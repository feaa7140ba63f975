#pragma once
// The loop's notion of time: a monotonic clock, immune to wall-clock jumps.

#include <chrono>

namespace corolab {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

}  // namespace corolab
