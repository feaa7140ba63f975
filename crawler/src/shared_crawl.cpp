// Joining a shared crawl (shared_crawl.hpp).
#include "shared_crawl.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <array>

namespace corolab::crawler {

std::string worker_name() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(::getpid());
}

Task<SharedCrawl> join_shared_crawl(SharedCrawlOptions options) {
  const redis::Url url = redis::Url::parse(options.redis_url);
  redis::Client client = co_await redis::Client::connect(url);
  redis::Client for_turns = co_await redis::Client::connect(url);
  redis::Client for_robots = co_await redis::Client::connect(url);
  RedisFrontierOptions frontier{.crawl_id = options.crawl_id,
                                .worker = worker_name(),
                                .lease = options.lease,
                                .max_deliveries = options.max_deliveries};
  // Mid-crawl, a Redis that went away is waited for, and the user told.
  frontier.backoff.on_retry = [](const redis::RetryNotice& notice) {
    fmt::print(stderr, "corolab-crawl: {}\n", notice.message());
  };
  SharedCrawl joined;
  joined.frontier = co_await RedisFrontier::join(std::move(client), std::move(frontier));
  joined.turns = std::make_unique<RedisTurns>(std::move(for_turns), options.crawl_id);
  joined.robots =
      std::make_unique<RedisRobots>(std::move(for_robots), options.crawl_id, worker_name());
  co_return joined;
}

}  // namespace corolab::crawler
