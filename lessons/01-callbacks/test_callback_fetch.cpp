// Lesson 01's exercise: the fetcher's callbacks, on_writable and on_readable.
#include <curl/curl.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "background_site.hpp"
#include "callback_fetch.hpp"
#include "callback_loop.hpp"

using lesson01::CallbackFetcher;
using lesson01::CallbackLoop;
using lesson01::FetchResult;

namespace {

corolab::demo_site::SiteOptions small_site(std::chrono::milliseconds latency) {
  corolab::demo_site::SiteOptions options;
  options.pages = 20;
  options.latency = latency;
  return options;
}

// Starts every fetch, then runs the loop until all are done; results by URL.
std::map<std::string, FetchResult> fetch_all(CallbackFetcher* fetcher, CallbackLoop* loop,
                                             const std::vector<std::string>& urls) {
  std::map<std::string, FetchResult> results;
  for (const std::string& url : urls) {
    fetcher->fetch(url,
                   [&results](FetchResult result) { results[result.url] = std::move(result); });
  }
  loop->run();
  return results;
}

// The same page the blocking way (lesson 00), to compare bodies with.
std::size_t append(char* data, std::size_t size, std::size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

std::string fetch_with_curl(const std::string& url) {
  std::string body;
  CURL* curl = curl_easy_init();
  REQUIRE(curl != nullptr);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const CURLcode result = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  REQUIRE(result == CURLE_OK);
  return body;
}

}  // namespace

TEST_CASE("one page: status 200 and the body the site serves") {
  BackgroundSite site(small_site(std::chrono::milliseconds(5)));
  const std::string url = site.page_urls(2)[1];
  CallbackLoop loop;
  CallbackFetcher fetcher(&loop);
  const std::map<std::string, FetchResult> results = fetch_all(&fetcher, &loop, {url});

  REQUIRE(results.count(url) == 1);
  const FetchResult& page = results.at(url);
  CHECK(page.error == "");
  CHECK(page.status == 200);
  CHECK(page.body == fetch_with_curl(url));
}

TEST_CASE("many pages at once: every one arrives, complete") {
  BackgroundSite site(small_site(std::chrono::milliseconds(20)));
  const std::vector<std::string> urls = site.page_urls(10);
  CallbackLoop loop;
  CallbackFetcher fetcher(&loop);
  const std::map<std::string, FetchResult> results = fetch_all(&fetcher, &loop, urls);

  REQUIRE(results.size() == urls.size());
  for (const std::string& url : urls) {
    CAPTURE(url);
    REQUIRE(results.count(url) == 1);
    CHECK(results.at(url).error == "");
    CHECK(results.at(url).status == 200);
    CHECK(results.at(url).body == fetch_with_curl(url));
  }
  CHECK(fetcher.in_flight() == 0);
  CHECK(loop.watch_count() == 0);  // every socket was unwatched (and closed)
}

TEST_CASE("the requests overlap: all of them are in flight at once") {
  // The site holds each response 200 ms: long enough for every request to be
  // sent before the first response can come back, if nothing waits for it.
  BackgroundSite site(small_site(std::chrono::milliseconds(200)));
  const std::vector<std::string> urls = site.page_urls(8);
  CallbackLoop loop;
  CallbackFetcher fetcher(&loop);
  const std::map<std::string, FetchResult> results = fetch_all(&fetcher, &loop, urls);

  CHECK(results.size() == urls.size());
  CHECK(fetcher.max_in_flight() == urls.size());
}

TEST_CASE("a missing page is a response with status 404, not an error") {
  BackgroundSite site(small_site(std::chrono::milliseconds(0)));
  const std::string url = site.base_url() + "/no-such-page.html";
  CallbackLoop loop;
  CallbackFetcher fetcher(&loop);
  const std::map<std::string, FetchResult> results = fetch_all(&fetcher, &loop, {url});
  REQUIRE(results.count(url) == 1);
  CHECK(results.at(url).error == "");
  CHECK(results.at(url).status == 404);
}

TEST_CASE(
    "a refused connection reaches the done callback as an error, and the other fetches go on") {
  BackgroundSite site(small_site(std::chrono::milliseconds(5)));
  ClosedPort nobody_listens;
  const std::string good = site.page_urls(1)[0];
  const std::string refused = nobody_listens.url();
  CallbackLoop loop;
  CallbackFetcher fetcher(&loop);
  std::map<std::string, FetchResult> results;
  REQUIRE_NOTHROW(results = fetch_all(&fetcher, &loop, {refused, good}));

  REQUIRE(results.count(refused) == 1);
  CHECK(results.at(refused).status == 0);
  CHECK(results.at(refused).error == "connect: Connection refused");
  REQUIRE(results.count(good) == 1);
  CHECK(results.at(good).status == 200);
  CHECK(loop.watch_count() == 0);
}

TEST_CASE("done is called from the loop, once per fetch, never from inside fetch()") {
  BackgroundSite site(small_site(std::chrono::milliseconds(0)));
  CallbackLoop loop;
  CallbackFetcher fetcher(&loop);
  int calls = 0;
  fetcher.fetch(site.page_urls(1)[0], [&calls](FetchResult) { ++calls; });
  fetcher.fetch("not a url", [&calls](FetchResult result) {
    CHECK(result.error != "");
    ++calls;
  });
  CHECK(calls == 0);
  loop.run();
  CHECK(calls == 2);
}
