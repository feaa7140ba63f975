// The crawler's collaborators, each on its own: the scope, jitter, the pause
// before a retry, and a host's turns (on virtual time, no server needed).
#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "corolab/corolab.hpp"
#include "corolab/crawler/jitter.hpp"
#include "corolab/crawler/politeness.hpp"
#include "corolab/crawler/retries.hpp"
#include "corolab/crawler/scope.hpp"
#include "corolab/crawler/url.hpp"

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::Task;
using corolab::TimePoint;
using corolab::crawler::CrawlScope;
using corolab::crawler::HostSlot;
using corolab::crawler::Jitter;
using corolab::crawler::Politeness;
using corolab::crawler::RetryPolicy;
using corolab::crawler::Scope;
using corolab::crawler::UrlParts;

namespace {

UrlParts parts_of(const std::string& url) {
  std::optional<UrlParts> parts = corolab::crawler::split_url(url);
  REQUIRE(parts);
  return *parts;
}

bool wants(const CrawlScope& scope, const std::string& url) {
  return scope.contains(url, parts_of(url));
}

}  // namespace

TEST_CASE("scope: the seeds' hosts, or their registrable domains, or any") {
  const std::string seed = "http://www.example.co.uk/";
  CrawlScope host(Scope::host, {}, {});
  CrawlScope domain(Scope::domain, {}, {});
  CrawlScope any(Scope::any, {}, {});
  for (CrawlScope* scope : {&host, &domain, &any}) scope->add_seed(parts_of(seed));

  CHECK(wants(host, "http://www.example.co.uk:8080/a"));  // the host, whatever the port
  CHECK_FALSE(wants(host, "http://blog.example.co.uk/"));
  CHECK(wants(domain, "http://blog.example.co.uk/"));
  CHECK_FALSE(wants(domain, "http://other.co.uk/"));  // co.uk is a public suffix
  CHECK(wants(any, "http://other.co.uk/"));
}

TEST_CASE("scope: --include must match, --exclude must not") {
  CrawlScope scope(Scope::host, {std::regex("/docs/")}, {std::regex("\\.pdf$")});
  scope.add_seed(parts_of("http://example.com/"));
  CHECK(wants(scope, "http://example.com/docs/a.html"));
  CHECK_FALSE(wants(scope, "http://example.com/blog/a.html"));
  CHECK_FALSE(wants(scope, "http://example.com/docs/a.pdf"));
}

TEST_CASE("jitter: within the fraction, reproducible, and off at zero") {
  Jitter off(0.0, 1);
  CHECK(off(100ms) == Duration(100ms));
  Jitter first(0.5, 7);
  Jitter second(0.5, 7);
  bool varied = false;
  for (int i = 0; i < 100; ++i) {
    const Duration delay = first(100ms);
    CHECK(delay >= Duration(50ms));
    CHECK(delay <= Duration(150ms));
    CHECK(second(100ms) == delay);
    varied = varied || delay != Duration(100ms);
  }
  CHECK(varied);
}

TEST_CASE("the pause before a retry: doubling backoff, Retry-After, both capped") {
  const RetryPolicy policy{.max_tries = 5, .backoff = 100ms, .max_backoff = 1s};
  Jitter exact(0.0, 1);
  using corolab::crawler::pause_before_retry;
  CHECK(pause_before_retry(policy, 1, std::nullopt, exact) == Duration(100ms));
  CHECK(pause_before_retry(policy, 3, std::nullopt, exact) == Duration(400ms));
  CHECK(pause_before_retry(policy, 5, std::nullopt, exact) == Duration(1s));
  CHECK(pause_before_retry(policy, 1, Duration(300ms), exact) == Duration(300ms));
  CHECK(pause_before_retry(policy, 1, Duration(1h), exact) == Duration(1s));
  for (int status : {500, 502, 503, 504, 408, 429}) CHECK(corolab::crawler::worth_retrying(status));
  // 501 and 505 will say the same next time; 4xx are about the request
  for (int status : {501, 505, 400, 404, 410})
    CHECK_FALSE(corolab::crawler::worth_retrying(status));
}

namespace {

// Takes three turns on one host and notes when each began.
Task<std::vector<Duration>> three_turns(Politeness* politeness, UrlParts url) {
  const TimePoint start = corolab::EventLoop::current().now();
  std::vector<Duration> began;
  for (int i = 0; i < 3; ++i) {
    const HostSlot slot = co_await politeness->take_turn(url);
    began.push_back(corolab::EventLoop::current().now() - start);
  }
  co_return began;
}

}  // namespace

TEST_CASE("politeness: a host's turns are --delay apart, another host's are its own") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  corolab::http::Client client;
  Jitter exact(0.0, 1);
  Politeness politeness(client, {.per_host = 1, .delay = 2s, .user_agent = "test"}, exact);
  const std::vector<Duration> turns =
      corolab::sync_wait(three_turns(&politeness, parts_of("http://a.example/")));
  CHECK(turns == std::vector<Duration>{0s, 2s, 4s});
  const std::vector<Duration> other =
      corolab::sync_wait(three_turns(&politeness, parts_of("http://b.example/")));
  CHECK(other == std::vector<Duration>{0s, 2s, 4s});
}
