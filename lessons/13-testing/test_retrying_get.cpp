// Lesson 13's exercise: the tests get_with_retries must pass.
//
// Each test is a coroutine body, run by run_async_test on a fresh loop with
// virtual time: the backoffs (1 s, 2 s, 4 s...) take no real time, and the
// ScriptedServer records the exact virtual time each request arrived at.
// After each body, run_async_test checks that nothing was left running.
#include <catch2/catch.hpp>
#include <chrono>
#include <corolab/event_loop.hpp>
#include <corolab/http/client.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/testing/async_test.hpp>
#include <corolab/testing/scripted_server.hpp>
#include <string>
#include <vector>

#include "retrying_get.hpp"

using namespace std::chrono_literals;
using corolab::EventLoop;
using corolab::Task;
using corolab::TimePoint;
using corolab::http::ClientResponse;
using corolab::testing::Reply;
using corolab::testing::run_async_test;
using corolab::testing::ScriptedServer;
using lesson13::get_with_retries;
using lesson13::RetryPolicy;
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

// get_with_retries against the server, which serves only while it runs.
Task<ClientResponse> fetch(ScriptedServer* server, std::string target, RetryPolicy policy) {
  corolab::http::Client client;
  Task<ClientResponse> retrying = get_with_retries(&client, server->url(target), policy);
  ClientResponse response = co_await server->serve_during(std::move(retrying));
  co_return response;
}

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

Task<void> retries_two_503s_then_succeeds() {
  ScriptedServer server;
  server.script("/flaky", {Reply::with_status(503), Reply::with_status(503), Reply::ok("at last")});
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/flaky", RetryPolicy{});
  CHECK(response.status == 200);
  CHECK(response.body == "at last");
  CHECK(arrivals(server, start) == Arrivals{0s, 1s, 3s});  // waits: 1 s, 2 s
}

Task<void> gives_up_after_max_attempts() {
  ScriptedServer server;
  server.script("/down", {Reply::with_status(503)});  // the last reply repeats: always 503
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/down", RetryPolicy{});
  CHECK(response.status == 503);
  CHECK(arrivals(server, start) == Arrivals{0s, 1s, 3s, 7s});
  CHECK(EventLoop::current().now() == start + 7s);  // no wait after the last attempt
}

Task<void> does_not_retry_a_404() {
  ScriptedServer server;  // no script for /missing: a 404
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/missing", RetryPolicy{});
  CHECK(response.status == 404);
  CHECK(arrivals(server, start) == Arrivals{0s});
}

Task<void> honours_retry_after() {
  ScriptedServer server;
  server.script("/busy", {Reply::with_status(429).header("Retry-After", "5"), Reply::ok("now")});
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/busy", RetryPolicy{});
  CHECK(response.status == 200);
  CHECK(arrivals(server, start) == Arrivals{0s, 5s});  // not the 1 s backoff
}

Task<void> retries_a_connection_reset() {
  ScriptedServer server;
  server.script("/shaky", {Reply::connection_reset(), Reply::ok("fine")});
  const TimePoint start = EventLoop::current().now();
  ClientResponse response = co_await fetch(&server, "/shaky", RetryPolicy{});
  CHECK(response.status == 200);
  CHECK(arrivals(server, start) == Arrivals{0s, 1s});
}

Task<void> rethrows_the_last_network_error() {
  ScriptedServer server;
  server.script("/broken", {Reply::connection_reset()});  // every time
  RetryPolicy policy;
  policy.max_attempts = 3;
  std::optional<corolab::http::ErrorKind> error;
  try {
    ClientResponse unexpected = co_await fetch(&server, "/broken", policy);
    (void)unexpected;
  } catch (const corolab::http::HttpError& e) {
    error = e.kind();
  }
  CHECK(error == corolab::http::ErrorKind::reset);
  CHECK(server.requests().size() == 3);
}

}  // namespace

TEST_CASE("which failures are worth another try") {
  CHECK(lesson13::worth_retrying(500));
  CHECK(lesson13::worth_retrying(502));
  CHECK(lesson13::worth_retrying(503));
  CHECK(lesson13::worth_retrying(504));
  CHECK(lesson13::worth_retrying(408));
  CHECK(lesson13::worth_retrying(429));
  CHECK_FALSE(lesson13::worth_retrying(501));  // Not Implemented: it will not be, next time
  CHECK_FALSE(lesson13::worth_retrying(505));  // HTTP Version Not Supported
  CHECK_FALSE(lesson13::worth_retrying(200));
  CHECK_FALSE(lesson13::worth_retrying(404));
  CHECK_FALSE(lesson13::worth_retrying(400));
  CHECK(lesson13::worth_retrying(corolab::http::ErrorKind::connect));
  CHECK(lesson13::worth_retrying(corolab::http::ErrorKind::reset));
  CHECK(lesson13::worth_retrying(corolab::http::ErrorKind::timeout));
  CHECK_FALSE(lesson13::worth_retrying(corolab::http::ErrorKind::bad_url));
  CHECK_FALSE(lesson13::worth_retrying(corolab::http::ErrorKind::dns));
}

TEST_CASE("a request that succeeds is not retried, and nothing waits") {
  run_async_test(succeeds_at_once);
}

// #region two_503s_case
TEST_CASE("503, 503, 200: retries after 1 s, then after 2 s more") {
  run_async_test(retries_two_503s_then_succeeds);
}
// #endregion two_503s_case

TEST_CASE("gives up after max_attempts and returns the last 503") {
  run_async_test(gives_up_after_max_attempts);
}

TEST_CASE("a 404 is not retried") { run_async_test(does_not_retry_a_404); }

TEST_CASE("a 429 with Retry-After: 5 is retried exactly 5 s later") {
  run_async_test(honours_retry_after);
}

TEST_CASE("a connection reset is retried") { run_async_test(retries_a_connection_reset); }

TEST_CASE("after the last attempt, the last network error is rethrown") {
  run_async_test(rethrows_the_last_network_error);
}

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
