// Lesson 16's exercise: tests for get_with_retries (retrying_get.hpp).
//
// Each test is a coroutine body, run by run_async_test on a fresh loop with
// virtual time: the backoffs (1 s, 2 s, 4 s...) take no real time, and the
// ScriptedServer records the exact virtual time each request arrived at.
// After each body, run_async_test checks that nothing was left running.
//
// `./corolab check 16` runs these tests against the real client, where they
// must pass, and against ten broken ones (mutants), where they must fail.
#include <catch2/catch.hpp>
#include <chrono>
#include <corolab/event_loop.hpp>
#include <corolab/http/client.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/testing/async_test.hpp>
#include <corolab/testing/scripted_server.hpp>
#include <corolab/timeout.hpp>
#include <optional>
#include <string>
#include <vector>

#include "retrying_get.hpp"

using namespace std::chrono_literals;
using corolab::EventLoop;
using corolab::Task;
using corolab::TimePoint;
using corolab::http::ClientResponse;
using corolab::http::ErrorKind;
using corolab::testing::Reply;
using corolab::testing::run_async_test;
using corolab::testing::ScriptedServer;
using lesson16::get_with_retries;
using lesson16::RetryPolicy;
using lesson16::worth_retrying;
using Arrivals = std::vector<std::chrono::milliseconds>;

namespace {

// When each request reached the server, counted from `start`.
Arrivals arrivals(const ScriptedServer& server, TimePoint start) {
  Arrivals times;
  for (const corolab::testing::ReceivedRequest& request : server.requests()) {
    times.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(request.arrived - start));
  }
  return times;
}

// get_with_retries against the server, which serves only while it runs. No
// test here needs an hour of (virtual) time: a client still retrying by then
// is stuck, and the test fails with a TimeoutError instead of hanging.
Task<ClientResponse> fetch(ScriptedServer* server, std::string target, RetryPolicy policy) {
  corolab::http::Client client;
  Task<ClientResponse> retrying = get_with_retries(&client, server->url(target), policy);
  Task<ClientResponse> bounded = corolab::with_timeout(1h, std::move(retrying));
  ClientResponse response = co_await server->serve_during(std::move(bounded));
  co_return response;
}

// The example: a success is not retried, and nothing waits.
Task<void> succeeds_at_once() {
  ScriptedServer server;
  server.script("/page", {Reply::ok("hello")});
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/page", RetryPolicy{});
  CHECK(response.status == 200);
  CHECK(response.body == "hello");
  CHECK(arrivals(server, start) == Arrivals{0s});
  CHECK(EventLoop::current().now() == start);  // nothing waited
}

}  // namespace

// #region example_case
TEST_CASE("a request that succeeds is not retried, and nothing waits") {
  run_async_test(succeeds_at_once);
}
// #endregion example_case

// #exercise statuses: which answers are retried, and which are returned at once
TEST_CASE("which failures are worth another try") {
  for (int status : {500, 502, 503, 504, 408, 429}) {
    INFO("status " << status);
    CHECK(worth_retrying(status));
  }
  for (int status : {501, 505, 200, 404, 400}) {
    INFO("status " << status);
    CHECK_FALSE(worth_retrying(status));
  }
  CHECK(worth_retrying(ErrorKind::connect));
  CHECK(worth_retrying(ErrorKind::reset));
  CHECK(worth_retrying(ErrorKind::timeout));
  CHECK_FALSE(worth_retrying(ErrorKind::bad_url));
  CHECK_FALSE(worth_retrying(ErrorKind::dns));
}

Task<void> returns_a_501_at_once() {
  ScriptedServer server;
  server.script("/new-method", {Reply::with_status(501)});
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/new-method", RetryPolicy{});
  CHECK(response.status == 501);
  CHECK(arrivals(server, start) == Arrivals{0s});
}

TEST_CASE("a 501 is returned at once, not retried") { run_async_test(returns_a_501_at_once); }
// #starter
// // Your tests: which statuses and errors are worth another try, and which not?
// #endexercise

// #exercise backoff: a failing server, retried after 1 s, then after 2 s more
Task<void> retries_two_503s_then_succeeds() {
  ScriptedServer server;
  server.script("/flaky", {Reply::with_status(503), Reply::with_status(503), Reply::ok("at last")});
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/flaky", RetryPolicy{});
  CHECK(response.status == 200);
  CHECK(response.body == "at last");
  CHECK(arrivals(server, start) == Arrivals{0s, 1s, 3s});  // waits: 1 s, 2 s
}

TEST_CASE("503, 503, 200: retries after 1 s, then after 2 s more") {
  run_async_test(retries_two_503s_then_succeeds);
}
// #starter
// // Your test: 503, 503, then 200. When exactly must each request arrive?
// #endexercise

// #exercise retry_after: a 429 that says when to come back
Task<void> honours_retry_after() {
  ScriptedServer server;
  server.script("/busy", {Reply::with_status(429).header("Retry-After", "5"), Reply::ok("now")});
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/busy", RetryPolicy{});
  CHECK(response.status == 200);
  CHECK(arrivals(server, start) == Arrivals{0s, 5s});  // not the 1 s backoff
}

TEST_CASE("a 429 with Retry-After: 5 is retried exactly 5 s later") {
  run_async_test(honours_retry_after);
}
// #starter
// // Your test: Reply::with_status(429).header("Retry-After", "5"), then a 200.
// #endexercise

// #exercise network_errors: a connection reset is retried; the last error is rethrown
Task<void> retries_a_connection_reset() {
  ScriptedServer server;
  server.script("/shaky", {Reply::connection_reset(), Reply::ok("fine")});
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/shaky", RetryPolicy{});
  CHECK(response.status == 200);
  CHECK(arrivals(server, start) == Arrivals{0s, 1s});
}

TEST_CASE("a connection reset is retried") { run_async_test(retries_a_connection_reset); }
// #starter
// // Your test: Reply::connection_reset() is a network error. Is it retried?
// #endexercise

// #exercise giving_up: a server that never recovers: max_attempts tries, then the last answer
Task<void> gives_up_after_max_attempts() {
  ScriptedServer server;
  server.script("/down", {Reply::with_status(503)});  // the last reply repeats: always 503
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/down", RetryPolicy{});
  CHECK(response.status == 503);
  CHECK(arrivals(server, start) == Arrivals{0s, 1s, 3s, 7s});
  CHECK(EventLoop::current().now() == start + 7s);  // no wait after the last attempt
}

TEST_CASE("gives up after max_attempts and returns the last 503 at once") {
  run_async_test(gives_up_after_max_attempts);
}
// #starter
// // Your test: always 503. How many requests, when, and when does it return?
// #endexercise

// On real time: this proves nothing about timing, only that nothing in
// get_with_retries depends on virtual time.
TEST_CASE("it works on a loop with real time too") {
  EventLoop loop;
  ScriptedServer server;
  server.script("/flaky", {Reply::with_status(503), Reply::ok("real")});
  RetryPolicy policy;
  policy.first_backoff = 10ms;
  const TimePoint start = loop.now();
  ClientResponse response = corolab::sync_wait(fetch(&server, "/flaky", policy));
  CHECK(response.status == 200);
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests()[1].arrived - server.requests()[0].arrived >= 10ms);
  CHECK(loop.now() - start >= 10ms);
}
