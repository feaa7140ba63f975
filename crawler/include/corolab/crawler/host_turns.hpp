#pragma once
// Turns on a host, shared by every worker of a crawl, in whatever process:
// politeness across workers. Politeness (politeness.hpp) books each
// request's turn here when it is given one; otherwise the turns are this
// process's alone, and N processes would each keep the delay, together
// asking N times as often.

#include <string>

#include "corolab/clock.hpp"
#include "corolab/task.hpp"

namespace corolab::crawler {

class HostTurns {
 public:
  virtual ~HostTurns() = default;
  // Books the next turn on `origin` ("host:port"): `gap` after the last
  // turn anyone booked there, or now. Returns how long to wait for it.
  virtual Task<Duration> book(std::string origin, Duration gap) = 0;
};

}  // namespace corolab::crawler
