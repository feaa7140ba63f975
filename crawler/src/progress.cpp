#include "corolab/crawler/progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"

namespace corolab::crawler {

// Unfinished: queued, waiting for a turn on their host, in flight, or kept
// for the journal (after stop()): the frontier counts them all.
CrawlProgress Crawler::progress() const noexcept { return stats_.progress(frontier_.unfinished()); }

namespace {

std::string status_line(const std::string& label, const CrawlProgress& progress, double seconds) {
  return fmt::format("{}: {:6} done  {:4} in flight  {:6} queued  {:4} errors  {:7.1f} URLs/s",
                     label, progress.done, progress.in_flight, progress.queued, progress.errors,
                     seconds > 0 ? progress.done / seconds : 0.0);
}

}  // namespace

Task<void> show_progress(const Crawler* crawler, std::string label, std::FILE* out) {
  using namespace std::chrono_literals;
  const bool terminal = ::isatty(::fileno(out));
  const TimePoint start = EventLoop::current().now();
  // Finish the terminal line however this task ends (it is cancelled).
  struct EndLine {
    std::FILE* out;
    bool terminal;
    ~EndLine() {
      if (terminal) fmt::print(out, "\n");
    }
  } end_line{out, terminal};
  for (int tick = 1;; ++tick) {
    co_await sleep_for(terminal ? 100ms : 250ms);
    const double seconds =
        std::chrono::duration<double>(EventLoop::current().now() - start).count();
    const std::string line = status_line(label, crawler->progress(), seconds);
    if (terminal) {
      fmt::print(out, "\r{}", line);
    } else if (tick % 8 == 0) {  // every two seconds
      fmt::print(out, "{}\n", line);
    }
    std::fflush(out);
  }
}

}  // namespace corolab::crawler
