// Lesson 17 stage: two workers share one queue in Redis, and one of them dies.
//
// A private redis-server on loopback (the tests' RedisServer), eight items,
// a lease of 300 ms. Worker "steady" takes and acknowledges items, 40 ms
// each. Worker "doomed" takes one item and stops, as if killed with
// kill -9: it never acknowledges it. Nothing is lost: while "doomed" holds
// its item, "steady" finds nothing to take but sees pending > 0, so it
// waits; once the item has been idle for 300 ms, "steady" reclaims it.
// The work is over when pending (queued + leased) is 0, and every item has
// exactly one record.
#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "corolab/corolab.hpp"
#include "lease_queue.hpp"
#include "redis_server.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::redis::Client;
using corolab::redis::Url;
using lesson17::Lease;
using lesson17::LeaseQueue;

namespace {

constexpr auto kLease = 300ms;

long long ms_since(corolab::TimePoint start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(corolab::EventLoop::current().now() -
                                                               start)
      .count();
}

Task<void> steady(Url url, corolab::TimePoint start) {
  Client client = co_await Client::connect(url);
  LeaseQueue queue(std::move(client), "stage", "steady", kLease);
  co_await queue.open();
  bool said_waiting = false;
  while (true) {
    std::optional<Lease> lease = co_await queue.take();
    if (!lease) {
      const long long pending = co_await queue.pending();
      if (pending == 0) break;  // nothing queued or leased anywhere: over
      if (!said_waiting) {
        fmt::print("{:5} ms  steady: nothing to take, {} pending (leased elsewhere): waiting\n",
                   ms_since(start), pending);
        said_waiting = true;
      }
      co_await corolab::sleep_for(20ms);
      continue;
    }
    said_waiting = false;
    co_await corolab::sleep_for(40ms);  // the work
    const bool done = co_await queue.ack(*lease, lease->item + " by steady");
    fmt::print("{:5} ms  steady: {}{} {}\n", ms_since(start), lease->item,
               lease->reclaimed ? " (reclaimed)" : "", done ? "done" : "lost its lease");
  }
  fmt::print("{:5} ms  steady: pending is 0, the work is over\n", ms_since(start));
}

Task<void> doomed(Url url, corolab::TimePoint start) {
  Client client = co_await Client::connect(url);
  LeaseQueue queue(std::move(client), "stage", "doomed", kLease);
  co_await queue.open();
  std::optional<Lease> lease = co_await queue.take();
  if (lease) {
    fmt::print("{:5} ms  doomed: took {}, and dies holding it\n", ms_since(start), lease->item);
  }
}

Task<void> stage(Url url) {
  const corolab::TimePoint start = corolab::EventLoop::current().now();
  Client client = co_await Client::connect(url);
  LeaseQueue producer(std::move(client), "stage", "producer", kLease);
  co_await producer.open();
  for (int i = 1; i <= 8; ++i) co_await producer.push("item-" + std::to_string(i));
  fmt::print("{:5} ms  8 items queued; lease {} ms\n", ms_since(start),
             std::chrono::duration_cast<std::chrono::milliseconds>(producer.lease()).count());

  co_await doomed(url, start);  // takes item-1 first, then is gone
  co_await steady(url, start);

  std::vector<std::string> records = co_await producer.records();
  fmt::print("\n{} records, each item once:\n", records.size());
  for (const std::string& record : records) fmt::print("  {}\n", record);
}

}  // namespace

int main() {
  RedisServer server;  // a redis-server of our own, on a free loopback port
  corolab::EventLoop loop;
  corolab::sync_wait(stage(Url::parse(server.url())));
}
