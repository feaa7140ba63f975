// Lesson 06 stage: twenty fetches, one thread, one mini loop.
//
// The demo site answers every request after 50 ms (it runs on a thread of
// its own). Twenty coroutines fetch one page each; every time one of them
// suspends, it says why, with the time since the start. Watch all twenty
// connect before any response arrives: the whole batch takes about one
// latency, not twenty.
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "background_site.hpp"
#include "fetch.hpp"
#include "mini_loop.hpp"

namespace {

using Clock = std::chrono::steady_clock;
const Clock::time_point start = Clock::now();

long elapsed_ms() {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

corolab::Task<void> fetch_and_trace(int number, std::uint16_t port, std::string path, int* ok) {
  const std::string name = fmt::format("fetch {:>2}", number);
  auto trace = [name](std::string_view event) {
    fmt::print("{:>5} ms  {}  {}\n", elapsed_ms(), name, event);
  };
  lesson06::Page page = co_await lesson06::fetch(port, path, trace);
  fmt::print("{:>5} ms  {}  {} {} ({} bytes)\n", elapsed_ms(), name, page.status, page.path,
             page.body.size());
  if (page.status == 200) ++*ok;
}

}  // namespace

int main() {
  constexpr int count = 20;
  corolab::demo_site::SiteOptions options;
  options.pages = 30;
  options.latency = std::chrono::milliseconds(50);
  BackgroundSite site(options);  // a thread of its own, with the runtime's loop
  const std::vector<std::string> paths = site.page_paths(count);
  fmt::print("the demo site listens on 127.0.0.1:{} (50 ms per response)\n\n", site.port());

  // #region spawn_all
  int ok = 0;
  lesson06::MiniLoop loop;
  for (int i = 0; i < count; ++i) {
    const std::string name = fmt::format("fetch {}", i);  // a trace row
    loop.spawn(fetch_and_trace(i, site.port(), paths[i], &ok), name);
  }
  const long started = elapsed_ms();
  loop.run();
  // #endregion spawn_all

  fmt::print(
      "\n{} of {} pages fetched with 200 in {} ms, on one thread (one at a time: at least {} ms)\n",
      ok, count, elapsed_ms() - started, count * 50);
}
