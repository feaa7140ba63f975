// Lesson 00's exercise: fetch pages one after another with libcurl's easy API.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "background_site.hpp"
#include "fetch_blocking.hpp"

using lesson00::fetch_all_blocking;
using lesson00::FetchError;
using lesson00::Page;

namespace {

constexpr auto kLatency = std::chrono::milliseconds(20);

corolab::demo_site::SiteOptions small_site() {
  corolab::demo_site::SiteOptions options;
  options.pages = 20;
  options.latency = kLatency;  // every response waits this long, on the site's side
  return options;
}

}  // namespace

TEST_CASE("every page is fetched, in the order asked for") {
  BackgroundSite site(small_site());
  const std::vector<std::string> urls = site.page_urls(5);
  const std::vector<Page> pages = fetch_all_blocking(urls);

  REQUIRE(pages.size() == urls.size());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    CAPTURE(urls[i]);
    CHECK(pages[i].url == urls[i]);
    CHECK(pages[i].status == 200);
    CHECK(pages[i].body.starts_with("<!DOCTYPE html>"));
    CHECK(pages[i].body.find("</html>") != std::string::npos);
  }
}

TEST_CASE("each page gets its own body, not the one before it") {
  BackgroundSite site(small_site());
  const std::vector<Page> pages = fetch_all_blocking(site.page_urls(3));
  REQUIRE(pages.size() == 3);
  CHECK(pages[0].body != pages[1].body);
  CHECK(pages[1].body != pages[2].body);
  // Appending to one shared string would make each body contain the one before.
  CHECK(pages[1].body.find(pages[0].body) == std::string::npos);
}

TEST_CASE("no pages, no requests") { CHECK(fetch_all_blocking({}).empty()); }

TEST_CASE("a missing page is a response with status 404, not an error") {
  BackgroundSite site(small_site());
  const std::vector<Page> pages = fetch_all_blocking({site.base_url() + "/no-such-page.html"});
  REQUIRE(pages.size() == 1);
  CHECK(pages[0].status == 404);
}

TEST_CASE("a refused connection is a FetchError that names the URL") {
  ClosedPort nobody_listens;
  const std::string url = nobody_listens.url();
  try {
    fetch_all_blocking({url});
    FAIL("fetch_all_blocking returned; it should have thrown FetchError");
  } catch (const FetchError& error) {
    const std::string message = error.what();
    CAPTURE(message);
    CHECK(message.find(url) != std::string::npos);
    CHECK(message.find("onnect") != std::string::npos);  // curl: "Couldn't connect to server"
  }
}

TEST_CASE("one handle, one connection: curl reuses it for every page") {
  BackgroundSite site(small_site());
  const std::vector<Page> pages = fetch_all_blocking(site.page_urls(4));
  REQUIRE(pages.size() == 4);
  CHECK(pages[0].new_connections == 1);
  for (std::size_t i = 1; i < pages.size(); ++i) CHECK(pages[i].new_connections == 0);
}

TEST_CASE("blocking fetches add up: N pages take at least N x latency") {
  BackgroundSite site(small_site());
  const std::vector<std::string> urls = site.page_urls(5);
  const auto started = std::chrono::steady_clock::now();
  const std::vector<Page> pages = fetch_all_blocking(urls);
  const auto elapsed = std::chrono::steady_clock::now() - started;

  REQUIRE(pages.size() == urls.size());
  // A lower bound is a fact, not a guess about a busy machine: each response
  // waited kLatency at the site, and each request started after the one before.
  CHECK(elapsed >= static_cast<int>(urls.size()) * kLatency);
  for (const Page& page : pages) CHECK(page.took >= kLatency);
}
