// LeaseQueue against a real redis-server on loopback, one per test case
// (tests/redis_server.hpp). Two or three LeaseQueue objects on one Redis,
// each with a client and a consumer name of its own, stand for worker
// processes.
//
// Real time: a lease expires on Redis's clock. A short lease (50 ms) is
// waited out with a longer sleep (a lower bound: the test cannot be too
// fast); a lease that must not expire during a test is a minute long.
#include <algorithm>
#include <catch2/catch.hpp>
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

Task<LeaseQueue> worker(Url url, std::string name, corolab::Duration lease) {
  Client client = co_await Client::connect(url);
  LeaseQueue queue(std::move(client), "jobs", std::move(name), lease);
  co_await queue.open();
  co_return queue;
}

std::vector<std::string> sorted(std::vector<std::string> texts) {
  std::sort(texts.begin(), texts.end());
  return texts;
}

Task<void> each_item_to_one_worker(Url url) {
  LeaseQueue a = co_await worker(url, "a", 60s);
  LeaseQueue b = co_await worker(url, "b", 60s);
  co_await a.push("x");
  co_await a.push("y");

  std::optional<Lease> by_a = co_await a.take();
  std::optional<Lease> by_b = co_await b.take();
  REQUIRE(by_a);
  REQUIRE(by_b);
  CHECK(by_a->item == "x");  // a stream keeps the order items were pushed in
  CHECK(by_b->item == "y");
  CHECK_FALSE(by_a->reclaimed);
  std::optional<Lease> none = co_await a.take();
  CHECK_FALSE(none);  // x and y are leased: nothing to take
  long long leased = co_await a.pending();
  CHECK(leased == 2);  // leased items are still pending

  bool a_done = co_await a.ack(*by_a, "x done");
  bool b_done = co_await b.ack(*by_b, "y done");
  CHECK(a_done);
  CHECK(b_done);
  long long left = co_await a.pending();
  CHECK(left == 0);  // all the work is done
  std::vector<std::string> records = co_await a.records();
  CHECK(sorted(records) == std::vector<std::string>{"x done", "y done"});
  std::optional<Lease> after = co_await b.take();
  CHECK_FALSE(after);  // an acknowledged item never comes back
}

Task<void> a_silent_workers_lease_is_reclaimed(Url url) {
  LeaseQueue dies = co_await worker(url, "dies", 60s);
  co_await dies.push("x");
  std::optional<Lease> held = co_await dies.take();
  REQUIRE(held);

  // Another worker with a lease of a minute: x has not been idle that long.
  LeaseQueue patient = co_await worker(url, "patient", 60s);
  std::optional<Lease> not_yet = co_await patient.take();
  CHECK_FALSE(not_yet);

  // One with a lease of 50 ms, once x has been idle longer than that.
  LeaseQueue reaper = co_await worker(url, "reaper", 50ms);
  co_await corolab::sleep_for(100ms);
  std::optional<Lease> taken_over = co_await reaper.take();
  REQUIRE(taken_over);
  CHECK(taken_over->item == "x");
  CHECK(taken_over->id == held->id);  // the same entry, not a copy
  CHECK(taken_over->reclaimed);
  long long pending = co_await reaper.pending();
  CHECK(pending == 1);  // reclaimed, not queued again

  // Claiming restarted x's idle time: the patient worker still waits.
  std::optional<Lease> still_not = co_await patient.take();
  CHECK_FALSE(still_not);
}

// Reclaiming comes first: were new items read first, a dead worker's item
// would wait until the queue is empty.
Task<void> a_dead_workers_item_comes_before_new_ones(Url url) {
  LeaseQueue dies = co_await worker(url, "dies", 60s);
  LeaseQueue reaper = co_await worker(url, "reaper", 50ms);
  co_await dies.push("x");
  co_await dies.push("y");
  std::optional<Lease> held = co_await dies.take();
  REQUIRE(held);
  CHECK(held->item == "x");
  co_await corolab::sleep_for(100ms);
  std::optional<Lease> next = co_await reaper.take();
  REQUIRE(next);
  CHECK(next->item == "x");
  CHECK(next->reclaimed);
  std::optional<Lease> then = co_await reaper.take();
  REQUIRE(then);
  CHECK(then->item == "y");
  CHECK_FALSE(then->reclaimed);
}

Task<void> only_the_holders_ack_counts(Url url) {
  LeaseQueue slow = co_await worker(url, "slow", 60s);
  LeaseQueue reaper = co_await worker(url, "reaper", 50ms);
  co_await slow.push("x");
  std::optional<Lease> first = co_await slow.take();
  REQUIRE(first);
  co_await corolab::sleep_for(100ms);
  std::optional<Lease> second = co_await reaper.take();
  REQUIRE(second);  // x was fetched twice: at least once

  // The slow worker was not dead after all: its ack comes too late.
  bool late = co_await slow.ack(*first, "x by slow");
  CHECK_FALSE(late);
  long long pending = co_await slow.pending();
  CHECK(pending == 1);  // nothing changed
  bool on_time = co_await reaper.ack(*second, "x by reaper");
  CHECK(on_time);
  bool again = co_await reaper.ack(*second, "x by reaper");
  CHECK_FALSE(again);  // an ack run twice (its reply lost, say) counts once

  std::vector<std::string> records = co_await slow.records();
  CHECK(records == std::vector<std::string>{"x by reaper"});  // exactly once
  long long done = co_await slow.pending();
  CHECK(done == 0);
}

Task<void> two_workers_drain_a_queue(Url url) {
  LeaseQueue a = co_await worker(url, "a", 60s);
  LeaseQueue b = co_await worker(url, "b", 60s);
  for (int i = 0; i < 10; ++i) co_await a.push("item " + std::to_string(i));
  LeaseQueue* workers[] = {&a, &b};
  for (int turn = 0;; ++turn) {
    LeaseQueue* next = workers[turn % 2];
    std::optional<Lease> lease = co_await next->take();
    if (!lease) break;
    bool done = co_await next->ack(*lease, lease->item + " by " + next->worker());
    CHECK(done);
  }
  long long pending = co_await a.pending();
  CHECK(pending == 0);
  std::vector<std::string> records = co_await b.records();
  CHECK(records.size() == 10);
}

void run(Task<void> (*test)(Url)) {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(test(Url::parse(server.url())));
}

}  // namespace

TEST_CASE("LeaseQueue: each item goes to one worker, and acknowledged it is done") {
  run(each_item_to_one_worker);
}

TEST_CASE("LeaseQueue: a lease idle longer than the lease time goes to another worker") {
  run(a_silent_workers_lease_is_reclaimed);
}

TEST_CASE("LeaseQueue: a dead worker's item is taken before new ones") {
  run(a_dead_workers_item_comes_before_new_ones);
}

TEST_CASE("LeaseQueue: only the holder's ack records, so each item is recorded once") {
  run(only_the_holders_ack_counts);
}

TEST_CASE("LeaseQueue: two workers drain a queue, and pending reaches 0") {
  run(two_workers_drain_a_queue);
}
