// Virtual time, seeded schedules and the testing helpers (corolab/testing/):
// the tools that let async tests run fast, and the same way every time.
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "corolab/event_loop.hpp"
#include "corolab/http/client.hpp"
#include "corolab/sleep.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/tcp_listener.hpp"
#include "corolab/tcp_stream.hpp"
#include "corolab/testing/async_test.hpp"
#include "corolab/testing/observed.hpp"
#include "corolab/testing/schedule_seeds.hpp"
#include "corolab/testing/scripted_server.hpp"
#include "corolab/thread_pool.hpp"
#include "corolab/timeout.hpp"
#include "corolab/yield.hpp"
#include "lost_update.hpp"

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::EventLoop;
using corolab::LoopOptions;
using corolab::Task;
using corolab::TimePoint;
using corolab::testing::observe;
using corolab::testing::Reply;
using corolab::testing::ScriptedServer;

namespace {

using Log = std::vector<std::string>;

Task<void> sleep_then_log(Duration duration, Log* log, std::string name) {
  co_await corolab::sleep_for(duration);
  log->push_back(name);
}

Task<int> answer_after(Duration duration) {
  co_await corolab::sleep_for(duration);
  co_return 42;
}

Task<void> never_finishes() { co_await corolab::sleep_for(24h * 365); }

Task<void> wait_with_timeout(Duration timeout) {
  co_await corolab::with_timeout(timeout, never_finishes());
}

// A loopback round trip, in the same loop as a far-away timer.
Task<std::string> echo_once(corolab::TcpListener* listener) {
  corolab::TcpStream client = co_await corolab::TcpStream::connect(listener->local_address());
  corolab::TcpStream server = co_await listener->accept();
  co_await client.write_all("ping");
  std::array<std::byte, 4> buffer{};
  co_await server.read_exact(buffer);
  co_return std::string(reinterpret_cast<const char*>(buffer.data()), buffer.size());
}

Task<void> blocking_job_then_log(Log* log) {
  co_await corolab::run_blocking(
      [] { std::this_thread::sleep_for(20ms); });  // another thread, real time
  log->push_back("job");
}

Task<void> yield_then_log(Log* log, std::string name) {
  co_await corolab::yield();
  log->push_back(name);
}

}  // namespace

// #region stands_still
TEST_CASE(
    "virtual time stands still while there is work, and jumps to the next timer when there is "
    "none") {
  EventLoop loop(LoopOptions::virtual_time());
  // #region stands_still_body
  const TimePoint start = loop.now();
  corolab::sync_wait(corolab::yield());
  CHECK(loop.now() == start);
  corolab::sync_wait(corolab::sleep_for(30s));  // returns at once, in real time
  CHECK(loop.now() - start == 30s);
  // #endregion stands_still_body
}
// #endregion stands_still

TEST_CASE("two virtual-time loops see the same times: runs are repeatable") {
  std::optional<TimePoint> first;
  for (int run = 0; run < 2; ++run) {
    EventLoop loop(LoopOptions::virtual_time());
    corolab::sync_wait(corolab::sleep_for(1500ms));
    if (!first) first = loop.now();
    CHECK(loop.now() == *first);
  }
}

TEST_CASE("advance() wakes the timers due on the way, in deadline order, and no others") {
  EventLoop loop(LoopOptions::virtual_time());
  Log log;
  // #region advance_body
  loop.spawn(sleep_then_log(300ms, &log, "300"));
  loop.spawn(sleep_then_log(100ms, &log, "100"));
  loop.spawn(sleep_then_log(200ms, &log, "200"));
  loop.advance(250ms);
  CHECK(log == Log{"100", "200"});
  loop.advance(49ms);
  CHECK(log == Log{"100", "200"});
  loop.advance(1ms);
  CHECK(log == Log{"100", "200", "300"});
  // #endregion advance_body
}

TEST_CASE(
    "advance() runs what a timer wakes before the next timer: a chain of sleeps fits in one "
    "advance") {
  EventLoop loop(LoopOptions::virtual_time());
  corolab::testing::Observed<int> answer = observe(answer_after(1s));
  loop.run_until_idle();
  CHECK(answer.pending());
  loop.advance(999ms);
  CHECK(answer.pending());
  loop.advance(1ms);
  REQUIRE(answer.finished());
  CHECK(answer.value() == 42);
}

// #region timeout_test
TEST_CASE("a 30-second timeout, tested to the millisecond without waiting 30 seconds") {
  EventLoop loop(LoopOptions::virtual_time());
  corolab::testing::Observed<void> waiting = observe(wait_with_timeout(30s));
  loop.advance(29'999ms);
  CHECK(waiting.pending());
  loop.advance(1ms);
  CHECK(waiting.failed_with<corolab::TimeoutError>());
  CHECK_FALSE(waiting.failed_with<std::logic_error>());
}
// #endregion timeout_test

// #region real_io_test
TEST_CASE("real I/O works on virtual time: a loopback round trip beats a timer an hour away") {
  EventLoop loop(LoopOptions::virtual_time());
  corolab::TcpListener listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
  const TimePoint start = loop.now();
  std::string echoed = corolab::sync_wait(corolab::with_timeout(1h, echo_once(&listener)));
  CHECK(echoed == "ping");
  CHECK(loop.now() == start);  // no timer had to fire for the I/O to complete
}
// #endregion real_io_test

TEST_CASE("background work is waited for in real time: virtual time does not jump past it") {
  EventLoop loop(LoopOptions::virtual_time());
  Log log;
  loop.spawn(blocking_job_then_log(&log));
  loop.spawn(sleep_then_log(10s, &log, "timer"));
  loop.run();
  CHECK(log == Log{"job", "timer"});
}

TEST_CASE("advance() needs virtual time") {
  EventLoop loop;
  CHECK_FALSE(loop.has_virtual_time());
  CHECK_THROWS_AS(loop.advance(1s), std::logic_error);
}

namespace {
// The order in which five coroutines that are ready together run.
std::string order_with(std::optional<std::uint64_t> seed) {
  EventLoop loop(LoopOptions::virtual_time(seed));
  Log log;
  for (std::string name : {"a", "b", "c", "d", "e"}) loop.spawn(yield_then_log(&log, name));
  loop.run();
  std::string order;
  for (const std::string& name : log) order += name;
  return order;
}
}  // namespace

TEST_CASE("without a seed, coroutines ready together run first-in, first-out") {
  CHECK(order_with(std::nullopt) == "abcde");
}

TEST_CASE("a schedule seed shuffles coroutines ready together: the same seed, the same order") {
  std::set<std::string> orders;
  for (std::uint64_t seed : corolab::testing::schedule_seeds(20)) {
    INFO("schedule seed " << seed);
    const std::string order = order_with(seed);
    CHECK(order_with(seed) == order);
    orders.insert(order);
  }
  if (corolab::testing::schedule_seeds(20).size() == 20) CHECK(orders.size() > 5);
}

using lost_update::two_increments;

// #region explore_seeds
TEST_CASE(
    "exploring schedules finds the interleaving that loses an update, and its seed replays it") {
  {
    EventLoop fifo(LoopOptions::virtual_time());
    CHECK(corolab::sync_wait(two_increments()) == 2);  // the bug hides under FIFO
  }
  // #region explore_seeds_body
  std::optional<std::uint64_t> losing_seed;
  for (std::uint64_t seed = 1; seed <= 50 && !losing_seed; ++seed) {
    EventLoop loop(LoopOptions::virtual_time(seed));
    if (corolab::sync_wait(two_increments()) != 2) losing_seed = seed;
  }
  REQUIRE(losing_seed);
  for (int replay = 0; replay < 3; ++replay) {
    INFO("replaying schedule seed " << *losing_seed);
    EventLoop loop(LoopOptions::virtual_time(losing_seed));
    CHECK(corolab::sync_wait(two_increments()) == 1);
  }
  // #endregion explore_seeds_body
}
// #endregion explore_seeds

namespace {

Task<void> nap(Duration duration) { co_await corolab::sleep_for(duration); }

// #region leaky_bodies
Task<void> clean_body() {
  EventLoop::current().spawn(nap(1s));  // finishes before the body does
  co_await corolab::sleep_for(2s);
}

// #region leaky_examples
Task<void> forgets_a_spawned_task() {
  EventLoop::current().spawn(never_finishes());
  co_return;
}

std::optional<Task<void>> kept_past_the_test;

Task<void> leaks_a_frame() {
  kept_past_the_test.emplace(never_finishes());  // created, never awaited, never destroyed
  co_return;
}
// #endregion leaky_examples
// #endregion leaky_bodies

}  // namespace

TEST_CASE("run_async_test: a clean body passes, on virtual time") {
  CHECK_NOTHROW(corolab::testing::run_async_test(clean_body));
}

// #region leak_tests
TEST_CASE("run_async_test: a spawned task still running at the end is a leak") {
  CHECK_THROWS_WITH(corolab::testing::run_async_test(forgets_a_spawned_task),
                    "1 spawned task(s) still running when the test body returned");
}

TEST_CASE("run_async_test: a task frame alive after the test is a leak") {
  CHECK_THROWS_WITH(corolab::testing::run_async_test(leaks_a_frame),
                    "1 task frame(s) leaked by the test");
  kept_past_the_test.reset();
}
// #endregion leak_tests

namespace {

Task<std::vector<int>> fetch_three_times(std::string url) {
  corolab::http::Client client;
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    corolab::http::ClientResponse response = co_await client.get(url);
    statuses.push_back(response.status);
  }
  co_return statuses;
}

Task<corolab::http::ErrorKind> fetch_error_kind(std::string url) {
  corolab::http::Client client;
  try {
    corolab::http::ClientResponse unexpected = co_await client.get(url);
    (void)unexpected;
  } catch (const corolab::http::HttpError& e) {
    co_return e.kind();
  }
  co_return corolab::http::ErrorKind::other;
}

Task<std::vector<int>> serve_and_fetch(ScriptedServer* server, std::string target) {
  std::vector<int> statuses = co_await server->serve_during(fetch_three_times(server->url(target)));
  co_return statuses;
}

Task<corolab::http::ErrorKind> fetch_reset(ScriptedServer* server) {
  corolab::http::ErrorKind kind =
      co_await server->serve_during(fetch_error_kind(server->url("/reset")));
  co_return kind;
}

}  // namespace

TEST_CASE(
    "ScriptedServer: replies in script order, the last one repeats, with delays on the loop's "
    "clock") {
  EventLoop loop(LoopOptions::virtual_time());
  ScriptedServer server;
  server.script("/flaky", {Reply::with_status(503).after(2s), Reply::ok("hello")});
  const TimePoint start = loop.now();
  std::vector<int> statuses = corolab::sync_wait(serve_and_fetch(&server, "/flaky"));
  CHECK(statuses == std::vector{503, 200, 200});
  REQUIRE(server.requests_to("/flaky").size() == 3);
  CHECK(server.requests_to("/flaky")[0].arrived == start);
  CHECK(server.requests_to("/flaky")[1].arrived == start + 2s);  // after the delayed first reply
  CHECK(loop.now() == start + 2s);
}

TEST_CASE("ScriptedServer: an unscripted path is a 404") {
  EventLoop loop(LoopOptions::virtual_time());
  ScriptedServer server;
  CHECK(corolab::sync_wait(serve_and_fetch(&server, "/nothing")) == std::vector{404, 404, 404});
  CHECK(server.requests().size() == 3);
}

TEST_CASE("ScriptedServer: a reset reply is a network error to the client") {
  EventLoop loop(LoopOptions::virtual_time());
  ScriptedServer server;
  server.script("/reset", {Reply::connection_reset()});
  CHECK(corolab::sync_wait(fetch_reset(&server)) == corolab::http::ErrorKind::reset);
}
