// Stopping a crawl and resuming it: Ctrl-C (stop()), the grace period for
// requests in flight, --max-time, and --resume's restore() with what an
// interrupted crawl left (remaining(), seen_hashes(): the frontier's).
#include "corolab/crawler/crawler.hpp"
#include "corolab/sleep.hpp"

namespace corolab::crawler {

void Crawler::stop() noexcept {
  if (stopping_) {
    if (workers_ != nullptr) workers_->cancel();  // asked twice: no more grace
    return;
  }
  stopping_ = true;
  // Workers stop taking new URLs; whatever is still queued is kept (for the
  // journal, or for the other workers of a shared crawl). In-flight requests
  // finish, within the grace period.
  frontier_.stop();
  if (workers_ != nullptr) timers_.spawn(cancel_after_grace(), "grace period");
}

Task<void> Crawler::cancel_after_grace() {
  co_await sleep_for(options_.grace_period);
  if (workers_ != nullptr) workers_->cancel();
}

// --max-time: from now on, every URL taken from the frontier ends as
// limit_reached, which drains it quickly; in-flight requests finish.
Task<void> Crawler::end_at_time_limit() {
  co_await sleep_for(options_.max_time);
  time_is_up_ = true;
}

// Resumed URLs come parsed (read_journal); their hosts join the scope, as
// the seeds' did in the interrupted crawl. (A page cancelled after the grace
// period was counted in pages_requested and is requested again: --max-pages
// may then stop the crawl a page or two early, never late.)
void Crawler::restore(std::vector<std::uint64_t> seen, std::vector<QueuedUrl> frontier,
                      std::size_t pages_requested) {
  pages_started_ = pages_requested;
  for (const QueuedUrl& item : frontier) scope_.add_seed(item.parts);
  frontier_.restore(std::move(seen), std::move(frontier));
}

}  // namespace corolab::crawler
