#pragma once
// Turns on a host kept in Redis (host_turns.hpp): one key per host,
// "corolab:<crawl_id>:turn:<host:port>", holding the time of the next free
// turn in microseconds of Redis's own clock (TIME). A script reads it,
// books the turn (the later of now and that time), and moves it on by the
// gap, atomically: two workers never get the same turn, and the workers'
// clocks never enter into it, only Redis's. The key expires once its turn
// has passed, so idle hosts cost nothing.
//
// One round trip per request, and only when there is a delay to keep.
// When Redis cannot be reached, the worker waits the whole gap on its own
// clock instead: slower, never ruder.

#include <string>

#include "corolab/crawler/host_turns.hpp"
#include "corolab/redis/client.hpp"

namespace corolab::crawler {

class RedisTurns final : public HostTurns {
 public:
  RedisTurns(redis::Client client, std::string crawl_id);
  Task<Duration> book(std::string origin, Duration gap) override;

 private:
  redis::Client client_;
  std::string prefix_;  // "corolab:<crawl_id>:turn:"
};

}  // namespace corolab::crawler
