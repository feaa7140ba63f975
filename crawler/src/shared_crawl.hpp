#pragma once
// corolab-crawl --redis URL --crawl-id NAME: this process joins a crawl
// shared in Redis (redis_frontier.hpp), as one of its workers.

#include <memory>
#include <string>

#include "corolab/crawler/redis_frontier.hpp"
#include "corolab/crawler/redis_robots.hpp"
#include "corolab/crawler/redis_turns.hpp"

namespace corolab::crawler {

struct SharedCrawlOptions {
  std::string redis_url;  // redis://HOST:PORT/DB, checked by redis::Url::parse
  std::string crawl_id;
  Duration lease = std::chrono::seconds(60);
  int max_deliveries = 5;  // RedisFrontierOptions::max_deliveries
};

// What a worker shares with the others: the frontier, the turns on each
// host, and robots.txt. Each has a connection of its own, so that a turn is
// never kept waiting behind a commit.
struct SharedCrawl {
  std::unique_ptr<RedisFrontier> frontier;
  std::unique_ptr<RedisTurns> turns;
  std::unique_ptr<RedisRobots> robots;
};

// Connects (no retry: a Redis that is not there at the start is most
// likely a mistyped address) and joins. Throws redis::Error, with a message
// that names the server.
Task<SharedCrawl> join_shared_crawl(SharedCrawlOptions options);

// "host:pid": unique among the workers of a crawl, and says where each one runs.
std::string worker_name();

}  // namespace corolab::crawler
