// The shared frontier (RedisFrontier) against a real redis-server on
// loopback, one per test case (redis_server.hpp). Two frontiers on one
// Redis stand for two worker processes: taking and finishing, a URL both
// find, a lease that expires and goes to the other worker, a URL given
// back, nofollow URLs at the end, and the end of the crawl itself.
//
// Real time: lease expiry is Redis's clock. The leases here are short
// (100 ms) and the waits are lower bounds only; none bounds how fast the
// machine must be.
#include "corolab/crawler/redis_frontier.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "corolab/corolab.hpp"
#include "corolab/crawler/redis_robots.hpp"
#include "corolab/crawler/redis_turns.hpp"
#include "redis_server.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::crawler::Outcome;
using corolab::crawler::PageRecord;
using corolab::crawler::QueuedUrl;
using corolab::crawler::RedisFrontier;
using corolab::crawler::RedisFrontierOptions;
using corolab::crawler::Settled;
using corolab::redis::Client;
using corolab::redis::Url;
using Worker = std::unique_ptr<RedisFrontier>;

namespace {

const std::string kRoot = "http://site.test/";

// The records the scripts kept in Redis: the whole crawl's, each once.
Task<long long> records_in_redis(Url url) {
  Client observer = co_await Client::connect(url);
  corolab::redis::Reply count = co_await observer.command("LLEN", "corolab:test:records");
  co_return count.as_integer();
}

Task<Worker> join(Url url, std::string name, corolab::Duration lease = 60s) {
  Client client = co_await Client::connect(url);
  RedisFrontierOptions options{.crawl_id = "test", .worker = name, .lease = lease, .poll = 5ms};
  Worker worker = co_await RedisFrontier::join(std::move(client), options);
  co_return worker;
}

QueuedUrl queued(const std::string& url, const std::string& parent) {
  QueuedUrl item;
  item.url = url;
  item.parts = corolab::crawler::split_url(url).value();
  item.parent = parent;
  return item;
}

PageRecord record(const std::string& url, const std::string& parent, Outcome outcome) {
  PageRecord page;
  page.url = url;
  page.parent = parent;
  page.outcome = outcome;
  return page;
}

std::vector<std::string> urls_of(const Settled& settled) {
  std::vector<std::string> urls;
  for (const PageRecord& page : settled.records) urls.push_back(page.url);
  std::sort(urls.begin(), urls.end());
  return urls;
}

// What the crawler does with a seed: offer it, queue it, commit.
Task<void> seed(RedisFrontier* worker, std::string url) {
  if (worker->first_sight(url)) worker->push(queued(url, ""));
  Settled settled = co_await worker->commit();
  CHECK(settled.records.empty());
}

Task<void> take_and_finish(Url url) {
  Worker a = co_await join(url, "a");
  co_await seed(a.get(), kRoot);
  std::optional<QueuedUrl> root = co_await a->take();
  REQUIRE(root);
  CHECK(root->url == kRoot);
  CHECK(root->parts.host == "site.test");  // parsed again from what Redis kept

  // The page links to /a (queued) and elsewhere (out of scope: a record).
  CHECK(a->first_sight("http://site.test/a"));
  a->push(queued("http://site.test/a", kRoot));
  CHECK(a->first_sight("http://other.test/"));
  a->settle(record("http://other.test/", kRoot, Outcome::out_of_scope));
  a->settle(record(kRoot, "", Outcome::fetched));
  CHECK_FALSE(a->first_sight(kRoot));  // seen here already
  Settled first = co_await a->finish(*root);
  CHECK(urls_of(first) == std::vector<std::string>{"http://other.test/", kRoot});
  CHECK(first.duplicates == 0);

  std::optional<QueuedUrl> page = co_await a->take();
  REQUIRE(page);
  CHECK(page->url == "http://site.test/a");
  CHECK(page->parent == kRoot);
  CHECK(a->unfinished() == 1);  // the crawl's: /a, leased now
  a->settle(record(page->url, kRoot, Outcome::fetched));
  Settled second = co_await a->finish(*page);
  CHECK(urls_of(second) == std::vector<std::string>{"http://site.test/a"});

  std::optional<QueuedUrl> end = co_await a->take();
  CHECK_FALSE(end);  // nothing queued or leased anywhere
  Settled closed = co_await a->close();
  CHECK(closed.records.empty());
  long long kept = co_await records_in_redis(url);
  CHECK(kept == 3);
}

// b finds /a too (through a sitemap, say: it belongs to no URL b holds).
Task<void> found_twice(Url url) {
  Worker a = co_await join(url, "a");
  Worker b = co_await join(url, "b");
  co_await seed(a.get(), kRoot);
  co_await seed(b.get(), kRoot);  // the same seed: queued once
  std::optional<QueuedUrl> root = co_await a->take();
  REQUIRE(root);

  CHECK(b->first_sight("http://site.test/a"));
  b->push(queued("http://site.test/a", "http://site.test/sitemap.xml"));
  Settled by_b = co_await b->commit();
  CHECK(by_b.duplicates == 0);

  CHECK(a->first_sight("http://site.test/a"));  // new to a: only Redis knows
  a->push(queued("http://site.test/a", kRoot));
  a->settle(record(kRoot, "", Outcome::fetched));
  Settled by_a = co_await a->finish(*root);
  CHECK(urls_of(by_a) == std::vector<std::string>{kRoot});
  CHECK(by_a.duplicates == 1);

  // b waits while a holds /a, and ends once a has finished it.
  std::optional<QueuedUrl> page = co_await a->take();
  REQUIRE(page);
  std::optional<QueuedUrl> b_took = queued(kRoot, "");
  corolab::TaskGroup group;
  group.spawn([](RedisFrontier* b, std::optional<QueuedUrl>* took) -> Task<void> {
    *took = co_await b->take();
  }(b.get(), &b_took));
  co_await corolab::sleep_for(50ms);
  CHECK(b_took);  // still waiting
  a->settle(record(page->url, page->parent, Outcome::fetched));
  Settled last = co_await a->finish(*page);
  CHECK(last.records.size() == 1);
  co_await group.join();
  CHECK_FALSE(b_took);
}

// a takes the root and goes silent; after the lease, b reclaims it, and
// only b's commit counts.
Task<void> lease_expires(Url url) {
  Worker a = co_await join(url, "a", 100ms);
  Worker b = co_await join(url, "b", 100ms);
  co_await seed(a.get(), kRoot);
  std::optional<QueuedUrl> by_a = co_await a->take();
  REQUIRE(by_a);

  const corolab::TimePoint start = corolab::EventLoop::current().now();
  std::optional<QueuedUrl> by_b = co_await b->take();  // waits for the lease to expire
  REQUIRE(by_b);
  CHECK(by_b->url == kRoot);
  CHECK(corolab::EventLoop::current().now() - start >= 90ms);  // Redis's clock, not ours

  b->first_sight("http://site.test/b");
  b->push(queued("http://site.test/b", kRoot));
  b->settle(record(kRoot, "", Outcome::fetched));
  Settled committed = co_await b->finish(*by_b);
  CHECK(urls_of(committed) == std::vector<std::string>{kRoot});

  // a wakes up and commits the same page: nothing of it counts.
  a->first_sight("http://site.test/a-only");
  a->push(queued("http://site.test/a-only", kRoot));
  a->settle(record(kRoot, "", Outcome::fetched));
  Settled ignored = co_await a->finish(*by_a);
  CHECK(ignored.records.empty());
  CHECK(ignored.duplicates == 0);

  std::optional<QueuedUrl> next = co_await a->take();
  REQUIRE(next);
  CHECK(next->url == "http://site.test/b");  // not /a-only: a's findings were dropped
  a->settle(record(next->url, kRoot, Outcome::fetched));
  Settled b_page = co_await a->finish(*next);
  CHECK(b_page.records.size() == 1);
  std::optional<QueuedUrl> end_a = co_await a->take();
  std::optional<QueuedUrl> end_b = co_await b->take();
  CHECK_FALSE(end_a);
  CHECK_FALSE(end_b);
  long long kept = co_await records_in_redis(url);
  CHECK(kept == 2);  // the root once, /b
}

// a holds the root for several leases, renewing them: b does not get it.
Task<void> leases_kept(Url url) {
  Worker a = co_await join(url, "a", 1s);
  Worker b = co_await join(url, "b", 1s);
  co_await seed(a.get(), kRoot);
  std::optional<QueuedUrl> by_a = co_await a->take();
  REQUIRE(by_a);
  corolab::TaskGroup renewal;
  renewal.spawn(a->keep_leases());
  // b asks for 3 leases' time: an expired lease would be its (as above).
  CHECK_THROWS_AS(co_await corolab::with_timeout(3s, b->take()), corolab::TimeoutError);
  a->settle(record(kRoot, "", Outcome::fetched));
  Settled done = co_await a->finish(*by_a);
  CHECK(done.records.size() == 1);
  renewal.cancel();
  co_await renewal.join();
  std::optional<QueuedUrl> end = co_await b->take();
  CHECK_FALSE(end);
}

// A worker that stops gives its URL back at once: the other takes it
// without waiting for the lease (60 s here).
Task<void> given_back(Url url) {
  Worker a = co_await join(url, "a");
  Worker b = co_await join(url, "b");
  co_await seed(a.get(), kRoot);
  std::optional<QueuedUrl> by_a = co_await a->take();
  REQUIRE(by_a);
  a->stop();
  a->give_back(*by_a);
  Settled nothing = co_await a->finish(*by_a);
  CHECK(nothing.records.empty());
  std::optional<QueuedUrl> after_stop = co_await a->take();
  CHECK_FALSE(after_stop);

  std::optional<QueuedUrl> by_b = co_await b->take();
  REQUIRE(by_b);
  CHECK(by_b->url == kRoot);
  b->settle(record(kRoot, "", Outcome::fetched));
  Settled done = co_await b->finish(*by_b);
  CHECK(done.records.size() == 1);
  std::optional<QueuedUrl> end = co_await b->take();
  CHECK_FALSE(end);
}

// /n1 and /n2 are linked with nofollow from the root; /c links to /n2
// without: only /n1 ends as nofollow, reported once, by the first to close.
Task<void> nofollow_at_the_end(Url url) {
  Worker a = co_await join(url, "a");
  Worker b = co_await join(url, "b");
  co_await seed(a.get(), kRoot);
  std::optional<QueuedUrl> root = co_await a->take();
  REQUIRE(root);
  CHECK(a->defer(record("http://site.test/n1", kRoot, Outcome::nofollow)));
  CHECK(a->defer(record("http://site.test/n2", kRoot, Outcome::nofollow)));
  CHECK_FALSE(a->defer(record("http://site.test/n2", kRoot, Outcome::nofollow)));
  a->first_sight("http://site.test/c");
  a->push(queued("http://site.test/c", kRoot));
  a->settle(record(kRoot, "", Outcome::fetched));
  Settled first = co_await a->finish(*root);
  CHECK(first.records.size() == 1);

  std::optional<QueuedUrl> c = co_await b->take();
  REQUIRE(c);
  CHECK(b->first_sight("http://site.test/n2"));
  b->push(queued("http://site.test/n2", c->url));
  b->settle(record(c->url, kRoot, Outcome::fetched));
  Settled second = co_await b->finish(*c);
  std::optional<QueuedUrl> n2 = co_await b->take();
  REQUIRE(n2);
  b->settle(record(n2->url, c->url, Outcome::fetched));
  Settled third = co_await b->finish(*n2);

  std::optional<QueuedUrl> end_a = co_await a->take();
  std::optional<QueuedUrl> end_b = co_await b->take();
  CHECK_FALSE(end_a);
  CHECK_FALSE(end_b);
  Settled closed_b = co_await b->close();
  Settled closed_a = co_await a->close();
  CHECK(urls_of(closed_b) == std::vector<std::string>{"http://site.test/n1"});
  CHECK(closed_b.records.at(0).outcome == Outcome::nofollow);
  CHECK(closed_b.records.at(0).parent == kRoot);
  CHECK(closed_b.duplicates == 1);  // /n2: a followed link reached it
  CHECK(closed_a.records.empty());
  long long kept = co_await records_in_redis(url);
  CHECK(kept == 4);  // the root, /c, /n2, and /n1 as nofollow
}

// Redis goes away with a commit to make: the frontier says so, waits, and
// commits once Redis is back. (This test's server persists nothing, so it
// comes back empty: what counts here is that the commit waited and ran.)
Task<void> waits_for_redis(RedisServer* server, std::vector<std::string>* notices) {
  const Url url = Url::parse(server->url());
  Client client = co_await Client::connect(url);
  RedisFrontierOptions options{.crawl_id = "test", .worker = "a", .poll = 5ms};
  options.backoff.first_delay = 20ms;
  options.backoff.max_delay = 100ms;
  options.backoff.on_retry = [notices](const corolab::redis::RetryNotice& notice) {
    notices->push_back(notice.message());
  };
  Worker a = co_await RedisFrontier::join(std::move(client), options);
  server->stop();
  CHECK(a->first_sight(kRoot));
  a->push(queued(kRoot, ""));
  corolab::TaskGroup group;
  group.spawn([](RedisFrontier* worker) -> Task<void> {
    Settled settled = co_await worker->commit();
    CHECK(settled.records.empty());
  }(a.get()));
  while (notices->empty()) co_await corolab::sleep_for(10ms);  // it noticed, and waits
  server->start();
  co_await group.join();
  Client observer = co_await Client::connect(url);
  corolab::redis::Reply queued_now = co_await observer.command("XLEN", "corolab:test:queue");
  CHECK(queued_now.as_integer() == 1);
}

// Two workers book turns on one host, in turn: each turn is the gap after
// the last, whoever booked it. Booking k waits k gaps, less the time that
// has passed since booking 0 (Redis's clock; ours, measured around it, can
// only be later).
Task<void> turns_a_gap_apart(Url url) {
  Client for_a = co_await Client::connect(url);
  Client for_b = co_await Client::connect(url);
  corolab::crawler::RedisTurns a(std::move(for_a), "test");
  corolab::crawler::RedisTurns b(std::move(for_b), "test");
  const corolab::Duration gap = 50ms;
  const corolab::TimePoint start = corolab::EventLoop::current().now();
  for (int k = 0; k < 6; ++k) {
    corolab::crawler::RedisTurns& worker = k % 2 == 0 ? a : b;
    const corolab::Duration wait = co_await worker.book("site.test:80", gap);
    const corolab::Duration passed = corolab::EventLoop::current().now() - start;
    INFO("booking " << k);
    CHECK(wait <= k * gap);
    CHECK(wait + passed >= k * gap);
  }
  const corolab::Duration other_host = co_await a.book("other.test:80", gap);
  CHECK(other_host == corolab::Duration{0});  // each host has turns of its own
}

// robots.txt once for all: a finds no answer and fetches; b waits for a's
// answer rather than fetching too. A lock whose holder went silent lasts
// only the fetch time: then another worker fetches.
Task<void> robots_fetched_once(Url url) {
  Client for_a = co_await Client::connect(url);
  Client for_b = co_await Client::connect(url);
  corolab::crawler::RedisRobots a(std::move(for_a), "test", "a");
  corolab::crawler::RedisRobots b(std::move(for_b), "test", "b");
  std::optional<std::string> by_a = co_await a.get_or_fetch("site.test:80", 10s);
  CHECK_FALSE(by_a);  // a is to fetch it
  std::optional<std::string> by_b;
  corolab::TaskGroup group;
  group.spawn(
      [](corolab::crawler::RedisRobots* robots, std::optional<std::string>* out) -> Task<void> {
        *out = co_await robots->get_or_fetch("site.test:80", 10s);
      }(&b, &by_b));
  co_await corolab::sleep_for(50ms);
  CHECK_FALSE(by_b);  // still waiting for a
  const std::string answer = "rules\nUser-agent: *\nDisallow: /private/\n";
  co_await a.put("site.test:80", answer, 1h);
  co_await group.join();
  CHECK(by_b == answer);

  std::optional<std::string> first = co_await a.get_or_fetch("other.test:80", 100ms);
  CHECK_FALSE(first);  // a fetches, and goes silent
  std::optional<std::string> second = co_await b.get_or_fetch("other.test:80", 100ms);
  CHECK_FALSE(second);  // after a's lock expired: b fetches
}

// The root is taken by a, then (its lease expired) by b, and neither
// finishes it: as if fetching it killed them. With 2 deliveries at most, c
// does not get it a third time: it records it as given up, once, and the
// crawl ends.
Task<void> given_up_after_deliveries(Url url) {
  Client client = co_await Client::connect(url);
  RedisFrontierOptions options{
      .crawl_id = "test", .worker = "c", .lease = 100ms, .max_deliveries = 2, .poll = 5ms};
  Worker c = co_await RedisFrontier::join(std::move(client), options);
  Worker a = co_await join(url, "a", 100ms);
  Worker b = co_await join(url, "b", 100ms);
  co_await seed(a.get(), kRoot);
  std::optional<QueuedUrl> by_a = co_await a->take();
  REQUIRE(by_a);
  std::optional<QueuedUrl> by_b = co_await b->take();  // after a's lease
  REQUIRE(by_b);

  std::optional<QueuedUrl> by_c = co_await c->take();  // after b's lease: given up
  CHECK_FALSE(by_c);                                   // and so the crawl is over
  Settled closed = co_await c->close();
  REQUIRE(closed.records.size() == 1);
  CHECK(closed.records[0].url == kRoot);
  CHECK(closed.records[0].outcome == Outcome::network_error);
  CHECK(closed.records[0].error.find("taken 2 times") != std::string::npos);
  long long kept = co_await records_in_redis(url);
  CHECK(kept == 1);
}

void run(Task<void> (*test)(Url)) {
  RedisServer server;
  corolab::EventLoop loop;
  corolab::sync_wait(test(Url::parse(server.url())));
}

}  // namespace

TEST_CASE("RedisFrontier: take, finish, and the end when nothing is queued or leased") {
  run(take_and_finish);
}

TEST_CASE("RedisFrontier: a URL two workers find is queued once, and the crawl ends for both") {
  run(found_twice);
}

TEST_CASE("RedisFrontier: an expired lease goes to another worker, and only its commit counts") {
  run(lease_expires);
}

TEST_CASE(
    "RedisFrontier: when Redis goes away, a commit says so, waits, and runs once it is back") {
  RedisServer server;
  corolab::EventLoop loop;
  std::vector<std::string> notices;
  corolab::sync_wait(waits_for_redis(&server, &notices));
  REQUIRE_FALSE(notices.empty());
  CHECK(notices.front().find("redis at " + server.address() + " unreachable") == 0);
}

TEST_CASE("RedisTurns: turns booked on a host by two workers are a gap apart, on Redis's clock") {
  run(turns_a_gap_apart);
}

TEST_CASE("RedisRobots: robots.txt is fetched by one worker, and the others wait for its answer") {
  run(robots_fetched_once);
}

TEST_CASE("RedisFrontier: leases renewed by keep_leases stay with their worker") {
  run(leases_kept);
}

TEST_CASE("RedisFrontier: a stopping worker gives its URL back to the others at once") {
  run(given_back);
}

TEST_CASE("RedisFrontier: nofollow URLs no followed link reached are reported once, at the end") {
  run(nofollow_at_the_end);
}

TEST_CASE("RedisFrontier: a URL taken by too many workers that never finished it is given up") {
  run(given_up_after_deliveries);
}
