// robots.txt shared in Redis (redis_robots.hpp says how).
#include "corolab/crawler/redis_robots.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "corolab/sleep.hpp"

namespace corolab::crawler {

namespace {

// KEYS: the answer, the lock; ARGV: this worker, the lock's lifetime in ms.
// Returns {'answer', text}, {'fetch'} (the lock is ours) or {'wait'}.
constexpr const char* kGetOrLock =
    "local answer = redis.call('GET', KEYS[1])\n"
    "if answer then return {'answer', answer} end\n"
    "if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'fetch'} end\n"
    "return {'wait'}\n";

long long milliseconds(Duration duration) {
  return std::max<long long>(
      1, std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}

}  // namespace

RedisRobots::RedisRobots(redis::Client client, std::string crawl_id, std::string worker)
    : client_(std::move(client)),
      prefix_("corolab:" + crawl_id + ":"),
      worker_(std::move(worker)) {}

Task<std::optional<std::string>> RedisRobots::get_or_fetch(std::string origin,
                                                           Duration fetch_time) {
  std::vector<std::string> args{"EVAL",
                                kGetOrLock,
                                "2",
                                prefix_ + "robots:" + origin,
                                prefix_ + "robots-lock:" + origin,
                                worker_,
                                std::to_string(milliseconds(fetch_time))};
  while (true) {
    std::optional<redis::Reply> reply;
    try {
      reply = co_await client_.command(args);
    } catch (const redis::ConnectionError&) {
    } catch (const redis::TimeoutError&) {
    }
    if (!reply) co_return std::nullopt;  // no Redis to share with: fetch it here
    const std::string& what = reply->as_array().at(0).as_string();
    if (what == "answer") co_return reply->as_array().at(1).as_string();
    if (what == "fetch") co_return std::nullopt;
    co_await sleep_for(std::chrono::milliseconds(20));  // another worker is fetching it
  }
}

Task<void> RedisRobots::put(std::string origin, std::string answer, Duration max_age) {
  std::vector<std::vector<std::string>> commands{
      {"SET", prefix_ + "robots:" + origin, std::move(answer), "PX",
       std::to_string(milliseconds(max_age))},
      {"DEL", prefix_ + "robots-lock:" + origin}};
  try {
    co_await client_.pipeline(std::move(commands));
  } catch (const redis::ConnectionError&) {
    // not shared, this time: the others fetch it themselves
  } catch (const redis::TimeoutError&) {
  }
}

}  // namespace corolab::crawler
