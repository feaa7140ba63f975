// Lesson 14 stage: the libcurl bridge at work, then an ETag cache.
//
//   1. Three pages of the demo site (50 ms latency), fetched at once by one
//      corolab::http::Client. Every step of curl's conversation with the
//      bridge is printed as it happens: which socket curl wants watched for
//      what, when it wants to be called back, and when the bridge calls it.
//   2. An ETag cache (etag_cache.cpp) GETs the same page twice from a
//      scripted server: the second time the server answers "304 Not
//      Modified", and the body does not travel again.
#include <fmt/format.h>

#include <chrono>
#include <corolab/demo_site/site_server.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/http/client.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/task_group.hpp>
#include <corolab/testing/scripted_server.hpp>
#include <corolab/when_all.hpp>
#include <string>
#include <vector>

#include "etag_cache.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::http::BridgeEvent;
using corolab::http::ClientResponse;

namespace {

const auto program_start = std::chrono::steady_clock::now();

double elapsed_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - program_start)
      .count();
}

std::string interest(const BridgeEvent& event) {
  if (event.read && event.write) return "reading and writing";
  if (event.read) return "reading";
  if (event.write) return "writing";
  return "nothing";
}

void print_event(const BridgeEvent& event) {
  std::string what;
  switch (event.kind) {
    case BridgeEvent::Kind::watch:
      what = fmt::format("curl -> bridge: watch socket {} for {}", event.fd, interest(event));
      break;
    case BridgeEvent::Kind::remove:
      what = fmt::format("curl -> bridge: forget socket {}", event.fd);
      break;
    case BridgeEvent::Kind::timer:
      what = event.timeout_ms < 0
                 ? "curl -> bridge: no timer"
                 : fmt::format("curl -> bridge: call me in {} ms", event.timeout_ms);
      break;
    case BridgeEvent::Kind::socket_ready:
      what = fmt::format("bridge -> curl: socket {} is ready for {}", event.fd, interest(event));
      break;
    case BridgeEvent::Kind::timer_fired:
      what = "bridge -> curl: time is up (CURL_SOCKET_TIMEOUT)";
      break;
  }
  fmt::print("  {:7.1f} ms  {}\n", elapsed_ms(), what);
}

Task<void> fetch_one(corolab::http::Client* client, std::string url, std::string base) {
  ClientResponse page = co_await client->get(url);
  fmt::print("  {:7.1f} ms  done: {} {} ({} bytes)\n", elapsed_ms(), page.status,
             url.substr(base.size()), page.body_size);
}

Task<void> fetch_three_pages(corolab::demo_site::SiteServer* site) {
  corolab::http::Client client;
  client.observe_bridge(print_event);
  std::vector<std::string> urls = site->site().graph().sitemap_urls();
  std::vector<Task<void>> fetches;
  for (int i = 0; i < 3; ++i) fetches.push_back(fetch_one(&client, urls[i], site->base_url()));
  co_await corolab::when_all(std::move(fetches));
}

Task<void> serve_and_fetch(corolab::demo_site::SiteServer* site) {
  corolab::TaskGroup server;
  server.spawn(site->serve(), "demo site");
  co_await fetch_three_pages(site);
  site->stop();
  co_await server.join();
}

Task<void> get_twice(lesson14::EtagCache* cache, std::string url) {
  for (int i = 1; i <= 2; ++i) {
    lesson14::CachedPage page = co_await cache->get(url);
    fmt::print("  GET {}: {} bytes over the network, {} bytes of page{}\n", i, page.bytes_received,
               page.body.size(), page.from_cache ? " (304 Not Modified: the cached copy)" : "");
  }
}

Task<void> etag_demo() {
  corolab::testing::ScriptedServer server;
  const std::string news(20'000, 'x');
  server.script("/news", {corolab::testing::Reply::ok(news).header("ETag", "\"v1\""),
                          corolab::testing::Reply::with_status(304)});
  corolab::http::Client client;
  lesson14::EtagCache cache(&client);
  Task<void> getting = get_twice(&cache, server.url("/news"));
  co_await server.serve_during(std::move(getting));
  for (const auto& request : server.requests()) {
    fmt::print("  the server saw: GET {}  If-None-Match: {}\n", request.target,
               request.request.headers.get("If-None-Match").value_or("(none)"));
  }
}

}  // namespace

int main() {
  corolab::EventLoop loop;
  fmt::print(
      "1. Three demo-site pages at once (50 ms latency each): curl and the bridge talking\n");
  {
    corolab::demo_site::SiteOptions options;
    options.pages = 20;
    options.latency = 50ms;
    corolab::demo_site::SiteServer site(options);
    corolab::sync_wait(serve_and_fetch(&site));
  }
  fmt::print("\n2. An ETag cache: the same page twice\n");
  corolab::sync_wait(etag_demo());
}
