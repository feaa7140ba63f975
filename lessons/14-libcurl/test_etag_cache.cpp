// Lesson 14: the ETag cache against a scripted server, on virtual time.
//
// Each test is a coroutine body run by run_async_test (lesson 16): a fresh
// loop with virtual time, and a leak check at the end. The ScriptedServer
// records every request, so a test can look at the If-None-Match it carried.
#include <catch2/catch.hpp>
#include <chrono>
#include <corolab/http/client.hpp>
#include <corolab/testing/async_test.hpp>
#include <corolab/testing/scripted_server.hpp>
#include <corolab/timeout.hpp>
#include <optional>
#include <string>
#include <vector>

#include "etag_cache.hpp"

using corolab::Task;
using corolab::testing::Reply;
using corolab::testing::run_async_test;
using corolab::testing::ScriptedServer;
using lesson14::CachedPage;
using lesson14::EtagCache;

namespace {

// GETs `target` through one cache `times` times, while the server serves.
Task<std::vector<CachedPage>> get_pages(EtagCache* cache, std::string url, int times) {
  std::vector<CachedPage> pages;
  for (int i = 0; i < times; ++i) {
    CachedPage page = co_await cache->get(url);
    pages.push_back(std::move(page));
  }
  co_return pages;
}

// A bridge that never hands a transfer back would leave the loop waiting
// for I/O forever; the bound, an hour of virtual time (no real time at all),
// ends the test with a TimeoutError instead.
Task<std::vector<CachedPage>> fetch(ScriptedServer* server, std::string target, int times) {
  corolab::http::Client client;
  EtagCache cache(&client);
  Task<std::vector<CachedPage>> getting = get_pages(&cache, server->url(target), times);
  Task<std::vector<CachedPage>> bounded =
      corolab::with_timeout(std::chrono::hours(1), std::move(getting));
  std::vector<CachedPage> pages = co_await server->serve_during(std::move(bounded));
  co_return pages;
}

// The If-None-Match each request to the server carried, if any.
std::vector<std::optional<std::string>> if_none_match(const ScriptedServer& server) {
  std::vector<std::optional<std::string>> sent;
  for (const corolab::testing::ReceivedRequest& received : server.requests()) {
    auto value = received.request.headers.get("If-None-Match");
    sent.push_back(value ? std::optional<std::string>(*value) : std::nullopt);
  }
  return sent;
}

using Sent = std::vector<std::optional<std::string>>;

Task<void> a_304_serves_the_cached_body() {
  ScriptedServer server;
  server.script("/news", {Reply::ok("today's news").header("ETag", "\"v1\""),  //
                          Reply::with_status(304)});
  std::vector<CachedPage> pages = co_await fetch(&server, "/news", 2);
  CHECK(if_none_match(server) == Sent{std::nullopt, "\"v1\""});
  CHECK(pages[0].body == "today's news");
  CHECK_FALSE(pages[0].from_cache);
  CHECK(pages[1].status == 200);
  CHECK(pages[1].body == "today's news");
  CHECK(pages[1].from_cache);
  CHECK(pages[1].bytes_received == 0);  // the body did not travel again
}

Task<void> a_new_version_replaces_the_cached_one() {
  ScriptedServer server;
  server.script("/news", {Reply::ok("monday").header("ETag", "\"v1\""),
                          Reply::ok("tuesday").header("ETag", "\"v2\""), Reply::with_status(304)});
  std::vector<CachedPage> pages = co_await fetch(&server, "/news", 3);
  CHECK(if_none_match(server) == Sent{std::nullopt, "\"v1\"", "\"v2\""});
  CHECK(pages[1].body == "tuesday");
  CHECK_FALSE(pages[1].from_cache);
  CHECK(pages[2].body == "tuesday");
  CHECK(pages[2].from_cache);
}

Task<void> no_etag_no_question() {
  ScriptedServer server;
  server.script("/plain", {Reply::ok("no version name")});
  std::vector<CachedPage> pages = co_await fetch(&server, "/plain", 2);
  CHECK(if_none_match(server) == Sent{std::nullopt, std::nullopt});
  CHECK_FALSE(pages[1].from_cache);
  CHECK(pages[1].body == "no version name");
}

Task<void> errors_are_not_cached() {
  ScriptedServer server;
  server.script("/flaky", {Reply::with_status(500).header("ETag", "\"oops\""), Reply::ok("fine")});
  std::vector<CachedPage> pages = co_await fetch(&server, "/flaky", 2);
  CHECK(if_none_match(server) == Sent{std::nullopt, std::nullopt});
  CHECK(pages[0].status == 500);
  CHECK(pages[1].body == "fine");
}

}  // namespace

TEST_CASE("ETag cache: the second GET asks If-None-Match, and a 304 serves the cached body") {
  run_async_test(a_304_serves_the_cached_body);
}

TEST_CASE("ETag cache: a 200 with a new ETag replaces the cached copy") {
  run_async_test(a_new_version_replaces_the_cached_one);
}

TEST_CASE("ETag cache: a response without an ETag is not cached") {
  run_async_test(no_etag_no_question);
}

TEST_CASE("ETag cache: only a 200 is cached") { run_async_test(errors_are_not_cached); }
