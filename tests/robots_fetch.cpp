// Fetching robots.txt the way RFC 9309 2.3 and 2.4 say, through
// Politeness::robots, against scripted servers on loopback: redirects
// (another path, another host:port, too many, to no http URL), a file over
// the 500 KiB the parser reads, each kind of failure, and the cache
// lifetime (on virtual time: a day passes in no time).
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "corolab/corolab.hpp"
#include "corolab/crawler/jitter.hpp"
#include "corolab/crawler/politeness.hpp"
#include "corolab/crawler/shared_robots.hpp"
#include "corolab/crawler/url.hpp"
#include "corolab/testing/scripted_server.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::crawler::Jitter;
using corolab::crawler::Politeness;
using corolab::crawler::RobotsLookup;
using corolab::crawler::UrlParts;
using corolab::testing::Reply;
using corolab::testing::ScriptedServer;

namespace {

constexpr const char* kAgent = "corolab/1.0";

UrlParts parts_of(const std::string& url) {
  std::optional<UrlParts> parts = corolab::crawler::split_url(url);
  REQUIRE(parts);
  return *parts;
}

// A Politeness, and the client and jitter it needs; with `shared`, one
// worker's of a shared crawl.
struct Polite {
  explicit Polite(corolab::Duration max_age = 24h, corolab::crawler::SharedRobots* shared = nullptr)
      : politeness(client,
                   {.user_agent = kAgent,
                    .timeout = 5s,
                    .robots_max_age = max_age,
                    .shared_robots = shared},
                   exact) {}
  corolab::http::Client client;
  Jitter exact{0.0, 1};
  Politeness politeness;
};

// The robots.txt answers of a shared crawl's other workers, as the tests
// script them, and what this one shares.
class ScriptedSharedRobots final : public corolab::crawler::SharedRobots {
 public:
  std::optional<std::string> stored;  // another worker's answer, if any
  std::vector<std::string> shared;    // what put() was given

  Task<std::optional<std::string>> get_or_fetch(std::string, corolab::Duration) override {
    co_return stored;
  }
  Task<void> put(std::string, std::string answer, corolab::Duration) override {
    shared.push_back(std::move(answer));
    co_return;
  }
};

// The rules for `server`'s host, fetched while the server serves.
RobotsLookup rules_of(ScriptedServer* server, Politeness* politeness) {
  Task<RobotsLookup> lookup = politeness->robots(parts_of(server->url("/")));
  return corolab::sync_wait(server->serve_during(std::move(lookup)));
}

// `count` redirects, /robots.txt -> /hop-1 -> ... -> /hop-<count>, which
// holds the rules.
void script_redirects(ScriptedServer* server, int count) {
  std::string from = "/robots.txt";
  for (int hop = 1; hop <= count; ++hop) {
    const std::string to = "/hop-" + std::to_string(hop);
    server->script(from, {Reply::with_status(301).header("Location", to)});
    from = to;
  }
  server->script(from, {Reply::ok("User-agent: *\nDisallow: /private\n")});
}

Task<RobotsLookup> lookup_after(Politeness* politeness, UrlParts url, corolab::Duration wait) {
  co_await corolab::sleep_for(wait);
  RobotsLookup lookup = co_await politeness->robots(url);
  co_return lookup;
}

}  // namespace

TEST_CASE("RFC 9309 2.3.1.2: a redirect to another path is followed, up to five of them") {
  corolab::EventLoop loop;
  ScriptedServer server;
  const int redirects = GENERATE(1, 5);
  script_redirects(&server, redirects);
  Polite polite;
  const RobotsLookup lookup = rules_of(&server, &polite.politeness);
  CAPTURE(redirects);
  CHECK_FALSE(lookup.rules->allows("/private"));
  CHECK(lookup.rules->allows("/public"));
  CHECK(polite.politeness.requests() == static_cast<std::size_t>(redirects + 1));
}

TEST_CASE("RFC 9309 2.3.1.2: a redirect to another host:port is followed, for the first host") {
  corolab::EventLoop loop;
  ScriptedServer asked;
  ScriptedServer other;
  asked.script("/robots.txt", {Reply::with_status(302).header("Location", other.url("/rules"))});
  other.script("/rules", {Reply::ok("User-agent: *\nDisallow: /private\n")});
  Polite polite;
  Task<RobotsLookup> lookup = polite.politeness.robots(parts_of(asked.url("/")));
  Task<RobotsLookup> with_other = other.serve_during(std::move(lookup));
  const RobotsLookup found = corolab::sync_wait(asked.serve_during(std::move(with_other)));
  CHECK_FALSE(found.rules->allows("/private"));
  CHECK(other.requests_to("/rules").size() == 1);
}

// More than five is "unavailable" (2.3.1.2 allows it; Google reads it as a
// 404): no rules. So is a redirect to a URL we cannot fetch.
TEST_CASE("RFC 9309 2.3.1.2: a sixth redirect, or one to no http(s) URL, means no rules") {
  corolab::EventLoop loop;
  ScriptedServer server;
  SECTION("six redirects") {
    script_redirects(&server, 6);
    Polite polite;
    const RobotsLookup lookup = rules_of(&server, &polite.politeness);
    CHECK(lookup.rules->allows("/private"));
    CHECK(polite.politeness.requests() == 6);
    CHECK(server.requests_to("/hop-6").empty());  // the sixth redirect is not followed
  }
  SECTION("a redirect to ftp") {
    server.script("/robots.txt",
                  {Reply::with_status(301).header("Location", "ftp://127.0.0.1/robots.txt")});
    Polite polite;
    CHECK(rules_of(&server, &polite.politeness).rules->allows("/private"));
  }
}

TEST_CASE("RFC 9309 2.5: of a 600 KiB robots.txt the first 500 KiB are read, not refused") {
  corolab::EventLoop loop;
  ScriptedServer server;
  std::string robots = "User-agent: *\nDisallow: /early\n";
  robots.append(500 * 1024 - robots.size() - 10, '#');
  robots += "\nDisallow: /cut-in-half\n";  // starts before 500 KiB, ends after
  robots.append(600 * 1024 - robots.size() - 20, '#');
  robots += "\nDisallow: /late\n";
  server.script("/robots.txt", {Reply::ok(robots)});
  Polite polite;
  const RobotsLookup lookup = rules_of(&server, &polite.politeness);
  CHECK_FALSE(lookup.rules->allows("/early"));
  CHECK(lookup.rules->allows("/cut-in-half"));  // half a line is no rule ("/cu" would block more)
  CHECK(lookup.rules->allows("/cu"));
  CHECK(lookup.rules->allows("/late"));
}

TEST_CASE("RFC 9309 2.3.1.3 and 2.3.1.4: 4xx allows all, but 5xx, 429 and network errors do not") {
  corolab::EventLoop loop;
  Polite polite;
  SECTION("404: unavailable, no rules") {
    ScriptedServer server;  // nothing scripted: every path is a 404
    CHECK(rules_of(&server, &polite.politeness).rules->allows("/anything"));
  }
  SECTION("403: unavailable too") {
    ScriptedServer server;
    server.script("/robots.txt", {Reply::with_status(403)});
    CHECK(rules_of(&server, &polite.politeness).rules->allows("/anything"));
  }
  SECTION("503: unreachable, everything disallowed") {
    ScriptedServer server;
    server.script("/robots.txt", {Reply::with_status(503)});
    CHECK_FALSE(rules_of(&server, &polite.politeness).rules->allows("/anything"));
  }
  SECTION("429: a server error, as Google reads it") {
    ScriptedServer server;
    server.script("/robots.txt", {Reply::with_status(429)});
    CHECK_FALSE(rules_of(&server, &polite.politeness).rules->allows("/anything"));
  }
  SECTION("connection refused") {
    auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
    const std::string url = "http://" + listener.local_address().to_string() + "/";
    listener.close();
    const RobotsLookup lookup = corolab::sync_wait(polite.politeness.robots(parts_of(url)));
    CHECK_FALSE(lookup.rules->allows("/anything"));
    CHECK(polite.politeness.requests() == 1);
  }
}

// RFC 9309 2.4: a cached robots.txt SHOULD NOT be used for more than 24
// hours, unless the file is unreachable then. The server serves once, for
// the whole story (a ScriptedServer serves only once).
Task<void> three_days(ScriptedServer* server, Politeness* politeness) {
  const UrlParts site = parts_of(server->url("/"));
  const RobotsLookup first = co_await politeness->robots(site);
  CHECK(first.fetched_now);
  const RobotsLookup same = co_await lookup_after(politeness, site, 23h);
  CHECK(server->requests_to("/robots.txt").size() == 1);  // not a day old yet
  CHECK(same.rules == first.rules);

  // A day later, three workers ask at once: one fetches, the others wait.
  std::vector<Task<RobotsLookup>> three;
  for (int i = 0; i < 3; ++i) three.push_back(lookup_after(politeness, site, 2h));
  const std::vector<RobotsLookup> renewed = co_await corolab::when_all(std::move(three));
  CHECK(server->requests_to("/robots.txt").size() == 2);
  for (const RobotsLookup& lookup : renewed) {
    CHECK_FALSE(lookup.fetched_now);  // sitemaps are read on the first fetch only
    CHECK(lookup.rules->allows("/a"));
    CHECK_FALSE(lookup.rules->allows("/b"));
  }
  CHECK_FALSE(first.rules->allows("/a"));  // the old rules, still whole where they are held

  // Another day: the server fails (503), and the rules it gave stay.
  const RobotsLookup kept = co_await lookup_after(politeness, site, 25h);
  CHECK(server->requests_to("/robots.txt").size() == 3);
  CHECK(kept.rules->allows("/a"));
  CHECK_FALSE(kept.rules->allows("/b"));
}

TEST_CASE("robots.txt is fetched again after its max age, once, and kept if then unreachable") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  ScriptedServer server;
  server.script("/robots.txt",
                {Reply::ok("User-agent: *\nDisallow: /a\n"),
                 Reply::ok("User-agent: *\nDisallow: /b\n"), Reply::with_status(503)});
  Polite polite(24h);
  corolab::sync_wait(server.serve_during(three_days(&server, &polite.politeness)));
}

// A shared crawl: the worker that fetches a host's robots.txt first commits
// the pages its sitemaps name, and only then shares it (crawler.cpp,
// discover_sitemaps): a worker that dies in between has shared nothing, so
// the next one fetches robots.txt, and the sitemaps, again.
TEST_CASE("shared robots.txt: the first fetch is shared only when share_robots is called") {
  corolab::EventLoop loop;
  ScriptedServer server;
  server.script("/robots.txt", {Reply::ok("User-agent: *\nDisallow: /a\n")});
  ScriptedSharedRobots others;
  Polite polite(24h, &others);
  Politeness& politeness = polite.politeness;
  const RobotsLookup lookup = rules_of(&server, &politeness);
  CHECK(lookup.fetched_now);
  CHECK_FALSE(lookup.rules->allows("/a"));
  CHECK(others.shared.empty());
  for (int call = 0; call < 2; ++call)
    corolab::sync_wait(politeness.share_robots(parts_of(server.url("/"))));
  CHECK(others.shared == std::vector<std::string>{"rules\nUser-agent: *\nDisallow: /a\n"});
}

// The sitemaps are the fetching worker's: another worker's answer is not
// "fetched now", so the sitemaps are fetched once for the whole crawl.
TEST_CASE("shared robots.txt: another worker's answer is used, not fetched, nor its sitemaps") {
  corolab::EventLoop loop;
  ScriptedServer server;
  ScriptedSharedRobots others;
  others.stored = "rules\nUser-agent: *\nDisallow: /b\nSitemap: /sitemap.xml\n";
  Polite polite(24h, &others);
  Politeness& politeness = polite.politeness;
  const RobotsLookup lookup = rules_of(&server, &politeness);
  CHECK_FALSE(lookup.fetched_now);
  CHECK_FALSE(lookup.rules->allows("/b"));
  CHECK(server.requests_to("/robots.txt").empty());
  corolab::sync_wait(politeness.share_robots(parts_of(server.url("/"))));
  CHECK(others.shared.empty());  // nothing of its own to share
}
