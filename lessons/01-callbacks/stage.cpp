// Lesson 01 stage: callbacks make it fast, and scatter the logic.
//
//   1. one fetch, traced: watch the loop call on_writable, then on_readable
//      again and again, and finally the caller's `done`;
//   2. 20 fetches at 50 ms each, all at once: about one latency, not twenty.
#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

#include "background_site.hpp"
#include "callback_fetch.hpp"
#include "callback_loop.hpp"

namespace {

constexpr std::size_t kPages = 20;
constexpr auto kLatency = std::chrono::milliseconds(50);

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

void print_trace_line(const std::string& line) { fmt::print("  loop: {}\n", line); }

}  // namespace

int main() {
  corolab::demo_site::SiteOptions options;
  options.pages = 50;
  options.latency = kLatency;
  BackgroundSite site(options);
  const std::vector<std::string> urls = site.page_urls(kPages);
  fmt::print("The demo site is at {}; every response waits {} ms.\n\n", site.base_url(),
             kLatency.count());

  fmt::print("1. one fetch, traced:\n");
  {
    lesson01::CallbackLoop loop;
    lesson01::CallbackFetcher fetcher(&loop);
    loop.trace_to(print_trace_line);
    fetcher.fetch(urls[1], [](lesson01::FetchResult page) {
      const std::string error = page.error.empty() ? "" : ", error: " + page.error;
      fmt::print("  done: status {}, {} bytes{}\n", page.status, page.body.size(), error);
    });
    fmt::print("  main: fetch() returned at once; now loop.run()\n");
    loop.run();
  }
  fmt::print(
      "  One request's story is told by seven functions (fetch, on_writable,\n"
      "  wait_for_response, on_readable, complete, finish, done), relayed by the\n"
      "  loop; no function sees all of it.\n\n");

  fmt::print("2. {} pages, all at once:\n", kPages);
  lesson01::CallbackLoop loop;
  lesson01::CallbackFetcher fetcher(&loop);
  const auto start = std::chrono::steady_clock::now();
  int finished = 0;
  for (const std::string& url : urls) {
    fetcher.fetch(url, [&](lesson01::FetchResult page) {
      ++finished;
      if (finished <= 3 || finished == static_cast<int>(kPages)) {
        fmt::print("  {:>2}. {} {} at {:5.1f} ms\n", finished, page.status,
                   page.url.substr(site.base_url().size()), ms_since(start));
      } else if (finished == 4) {
        fmt::print("  ...\n");
      }
    });
  }
  loop.run();
  fmt::print("  one after another (lesson 00): about {} x {} ms = {} ms\n", kPages,
             kLatency.count(), kPages * static_cast<std::size_t>(kLatency.count()));
  fmt::print("  all at once, with callbacks:   {:.0f} ms  (most requests in flight together: {})\n",
             ms_since(start), fetcher.max_in_flight());
  fmt::print("  One thread, and it only ever waits in poll(), for all sockets at once.\n");
}
