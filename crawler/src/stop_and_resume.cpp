// Stopping a crawl and resuming it: Ctrl-C (stop()), the grace period for
// requests in flight, --max-time, and --resume's restore() with what an
// interrupted crawl left (remaining(), seen_hashes()).
#include "corolab/crawler/crawler.hpp"
#include "corolab/sleep.hpp"

namespace corolab::crawler {

void Crawler::stop() noexcept {
  if (stopping_) {
    if (workers_ != nullptr) workers_->cancel();  // asked twice: no more grace
    return;
  }
  stopping_ = true;
  // Whatever is still queued is kept for the journal, and workers stop
  // taking new URLs; in-flight requests finish, within the grace period.
  while (std::optional<QueuedUrl> item = frontier_.try_receive()) {
    interrupted_.push_back(std::move(*item));
    finish_one();
  }
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
  seen_.insert(seen.begin(), seen.end());
  for (QueuedUrl& item : frontier) {
    seen_.insert(hash_url(item.url));
    scope_.add_seed(item.parts);
    if (frontier_.try_send(item)) ++pending_;
  }
}

std::vector<std::uint64_t> Crawler::seen_hashes() const { return {seen_.begin(), seen_.end()}; }

std::vector<QueuedUrl> Crawler::remaining() const { return interrupted_; }

}  // namespace corolab::crawler
