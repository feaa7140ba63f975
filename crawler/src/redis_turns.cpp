// Turns on a host kept in Redis (redis_turns.hpp says how, and why).
#include "corolab/crawler/redis_turns.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace corolab::crawler {

namespace {

// KEYS[1]: the host's key; ARGV[1]: the gap in microseconds. Returns the
// turn booked and Redis's now, in microseconds, as strings (Lua numbers are
// doubles: exact to 2^53 us, some 285 years, but printed in exponent form).
constexpr const char* kBookTurn =
    "local time = redis.call('TIME')\n"
    "local now = tonumber(time[1]) * 1000000 + tonumber(time[2])\n"
    "local turn = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))\n"
    "local next_turn = turn + tonumber(ARGV[1])\n"
    "local keep_ms = math.floor((next_turn - now) / 1000) + 1000\n"
    "redis.call('SET', KEYS[1], string.format('%.0f', next_turn), 'PX', keep_ms)\n"
    "return {string.format('%.0f', turn), string.format('%.0f', now)}\n";

}  // namespace

RedisTurns::RedisTurns(redis::Client client, std::string crawl_id)
    : client_(std::move(client)), prefix_("corolab:" + crawl_id + ":turn:") {}

Task<Duration> RedisTurns::book(std::string origin, Duration gap) {
  const auto gap_us = std::chrono::duration_cast<std::chrono::microseconds>(gap);
  std::vector<std::string> args{"EVAL", kBookTurn, "1", prefix_ + origin,
                                std::to_string(gap_us.count())};
  try {
    redis::Reply reply = co_await client_.command(std::move(args));
    const long long turn = std::stoll(reply.as_array().at(0).as_string());
    const long long now = std::stoll(reply.as_array().at(1).as_string());
    co_return std::chrono::duration_cast<Duration>(std::chrono::microseconds(turn - now));
  } catch (const redis::ConnectionError&) {
  } catch (const redis::TimeoutError&) {
  }
  co_return gap;  // no shared clock to ask: the whole gap, to be safe
}

}  // namespace corolab::crawler
