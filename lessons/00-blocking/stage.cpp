// Lesson 00 stage: the problem this course solves.
//
//   1. start the demo site, every response delayed by 50 ms (a far-away server);
//   2. fetch 20 of its pages one after another, the blocking way;
//   3. compare the wall time with the CPU time this thread actually used.
#include <fmt/format.h>
#include <time.h>

#include <chrono>
#include <string>
#include <vector>

#include "background_site.hpp"
#include "fetch_blocking.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kPages = 20;
constexpr auto kLatency = std::chrono::milliseconds(50);

// CPU time used by this thread alone (the site runs on another thread).
std::chrono::microseconds thread_cpu_time() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::nanoseconds(now.tv_nsec));
}

std::chrono::microseconds to_us(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::microseconds>(duration);
}

double ms(std::chrono::microseconds duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

std::string path_of(const std::string& url, const std::string& base_url) {
  return url.substr(base_url.size());
}

}  // namespace

int main() {
  corolab::demo_site::SiteOptions options;
  options.pages = 50;
  options.latency = kLatency;
  BackgroundSite site(options);
  const std::vector<std::string> urls = site.page_urls(kPages);
  fmt::print("1. the demo site is at {}; every response waits {} ms\n\n", site.base_url(),
             kLatency.count());

  fmt::print("2. {} pages, one after another:\n", kPages);
  // #region measure
  const auto wall_start = Clock::now();
  const auto cpu_start = thread_cpu_time();
  const auto pages = lesson00::fetch_all_blocking(urls);
  const auto cpu = thread_cpu_time() - cpu_start;
  const auto wall = to_us(Clock::now() - wall_start);
  // #endregion measure

  auto elapsed = std::chrono::microseconds(0);
  for (const lesson00::Page& page : pages) {
    elapsed += page.took;
    fmt::print("  {:>2}. {} {:<36} {:>6} bytes  {:5.1f} ms  (at {:6.1f} ms){}\n",
               &page - pages.data() + 1, page.status, path_of(page.url, site.base_url()),
               page.body.size(), ms(page.took), ms(elapsed),
               page.new_connections > 0 ? "  new connection" : "");
  }
  fmt::print("  total: {:.0f} ms\n", ms(wall));
  fmt::print("  {} pages x {} ms = about {:.1f} s: time is N x latency\n\n", kPages,
             kLatency.count(),
             static_cast<double>(kPages) * static_cast<double>(kLatency.count()) / 1000.0);

  fmt::print("3. where did the time go?\n");
  fmt::print("  wall time: {:7.1f} ms\n", ms(wall));
  fmt::print("  CPU time:  {:7.1f} ms  ({:.1f}% of it)\n", ms(cpu), 100.0 * ms(cpu) / ms(wall));
  fmt::print(
      "  The rest is waiting: this thread sat in curl_easy_perform(), asleep in\n"
      "  the kernel, while the server took its {} ms. One connection was reused\n"
      "  for all {} pages; the waits still add up, because nothing else runs\n"
      "  while we wait.\n",
      kLatency.count(), kPages);
}
