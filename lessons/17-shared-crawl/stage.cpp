// Lesson 17 stage: three workers share one queue in Redis, and one of them dies.
//
// A private redis-server on loopback (the tests' RedisServer), eight items,
// a lease of 300 ms. Worker "doomed" takes the first item and stops, as if
// killed with kill -9: it never acknowledges it. Then "steady-1" and
// "steady-2" run side by side, each taking and acknowledging items, 40 ms
// each; each item goes to one of them. Nothing is lost: once the queue is
// empty they find nothing to take but see pending > 0, so they wait; once
// doomed's item has been idle for 300 ms, one of them reclaims it.
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

Task<void> steady(Url url, std::string name, corolab::TimePoint start) {
  Client client = co_await Client::connect(url);
  LeaseQueue queue(std::move(client), "stage", name, kLease);
  co_await queue.open();
  bool said_waiting = false;
  while (true) {
    std::optional<Lease> lease = co_await queue.take();
    if (!lease) {
      const long long pending = co_await queue.pending();
      if (pending == 0) break;  // nothing queued or leased anywhere: over
      if (!said_waiting) {
        fmt::print("{:5} ms  {}: nothing to take, {} pending (leased elsewhere): waiting\n",
                   ms_since(start), name, pending);
        said_waiting = true;
      }
      co_await corolab::sleep_for(20ms);
      continue;
    }
    said_waiting = false;
    co_await corolab::sleep_for(40ms);  // the work
    const bool done = co_await queue.ack(*lease, lease->item + " by " + name);
    fmt::print("{:5} ms  {}: {}{} {}\n", ms_since(start), name, lease->item,
               lease->reclaimed ? " (reclaimed)" : "", done ? "done" : "lost its lease");
  }
  fmt::print("{:5} ms  {}: pending is 0, the work is over\n", ms_since(start), name);
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
  corolab::TaskGroup workers;
  workers.spawn(steady(url, "steady-1", start), "steady-1");
  workers.spawn(steady(url, "steady-2", start), "steady-2");
  co_await workers.join();

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
