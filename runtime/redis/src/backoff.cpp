#include "corolab/redis/backoff.hpp"

#include <algorithm>

#include "seconds_text.hpp"

namespace corolab::redis {

std::string RetryNotice::message() const {
  return "redis at " + address + " unreachable (" + error + "), retrying in " +
         detail::seconds_text(delay);
}

Duration Backoff::delay_after(int failures) const {
  // Multiplied step by step and capped on the way, so that a long outage
  // (failures in the thousands) cannot overflow.
  Duration delay = std::min(first_delay, max_delay);
  for (int i = 1; i < failures && delay < max_delay; ++i) {
    const auto next = std::chrono::duration<double, Duration::period>(delay) * multiplier;
    delay = next.count() >= static_cast<double>(max_delay.count())
                ? max_delay
                : std::chrono::duration_cast<Duration>(next);
  }
  return delay;
}

}  // namespace corolab::redis
