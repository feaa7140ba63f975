#pragma once
// robots.txt shared in Redis (shared_robots.hpp): the answer under
// "corolab:<crawl_id>:robots:<host:port>", expiring after its cache
// lifetime (PX), so that the first worker to ask after that fetches it
// again. Fetched once: the worker that finds no answer takes a lock
// ("...:robots-lock:<host:port>", SET NX with an expiry, so that a worker
// that dies while fetching holds it only so long) and fetches; the others
// ask again every 20 ms until the answer is there.

#include <string>

#include "corolab/crawler/shared_robots.hpp"
#include "corolab/redis/client.hpp"

namespace corolab::crawler {

class RedisRobots final : public SharedRobots {
 public:
  RedisRobots(redis::Client client, std::string crawl_id, std::string worker);
  Task<std::optional<std::string>> get_or_fetch(std::string origin, Duration fetch_time) override;
  Task<void> put(std::string origin, std::string answer, Duration max_age) override;

 private:
  redis::Client client_;
  std::string prefix_;  // "corolab:<crawl_id>:"
  std::string worker_;  // the lock's value: who is fetching
};

}  // namespace corolab::crawler
