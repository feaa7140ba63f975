// The frontier of a crawl in one process (frontier.hpp says what it does).
//
// Workers wait on a Channel for the next URL. `pending_` counts the URLs
// queued or taken: when it drops to zero nobody can discover anything new,
// so the channel is closed and every take() returns nothing. (Python's
// asyncio.Queue counts the same way: task_done() and join().) Nothing here
// waits but take(): each commit is immediate, and what it settled is final.
#include "corolab/crawler/local_frontier.hpp"

#include <utility>

namespace corolab::crawler {

std::uint64_t hash_url(std::string_view url) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a, 64 bits: stable across runs (for --resume)
  for (unsigned char c : url) hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

LocalFrontier::LocalFrontier(std::size_t capacity) : queue_(capacity) {}

bool LocalFrontier::first_sight(std::string_view url) { return seen_.insert(hash_url(url)).second; }

bool LocalFrontier::push(QueuedUrl item) {
  if (stopped_ || queue_.is_closed()) {
    left_.push_back(std::move(item));  // not lost: it goes to the journal
    return true;
  }
  if (!queue_.try_send(item)) return false;
  ++pending_;
  return true;
}

void LocalFrontier::settle(PageRecord record) { settled_.records.push_back(std::move(record)); }

bool LocalFrontier::defer(PageRecord record) {
  const std::uint64_t hash = hash_url(record.url);
  if (seen_.contains(hash) || !deferred_seen_.insert(hash).second) return false;
  deferred_.push_back(std::move(record));
  return true;
}

Task<std::optional<QueuedUrl>> LocalFrontier::take() {
  if (pending_ == 0) queue_.close();  // nothing queued or taken: nothing to do at all
  std::optional<QueuedUrl> item = co_await queue_.receive();
  co_return item;
}

void LocalFrontier::give_back(QueuedUrl item) { left_.push_back(std::move(item)); }

Task<Settled> LocalFrontier::finish(QueuedUrl item) {
  (void)item;  // its record, if it has one, was settled already
  if (--pending_ == 0) queue_.close();
  co_return take_settled();
}

Task<Settled> LocalFrontier::commit() { co_return take_settled(); }

// A deferred URL that a followed link reached after all was counted there.
Task<Settled> LocalFrontier::close() {
  Settled settled = take_settled();
  for (PageRecord& record : deferred_) {
    if (seen_.contains(hash_url(record.url))) {
      ++settled.duplicates;
    } else {
      settled.records.push_back(std::move(record));
    }
  }
  deferred_.clear();
  deferred_seen_.clear();
  co_return settled;
}

// Whatever is still queued is kept for the journal.
void LocalFrontier::stop() noexcept {
  stopped_ = true;
  while (std::optional<QueuedUrl> item = queue_.try_receive()) {
    left_.push_back(std::move(*item));
    --pending_;
  }
  if (pending_ == 0) queue_.close();
}

std::vector<std::uint64_t> LocalFrontier::seen_hashes() const {
  return {seen_.begin(), seen_.end()};
}

void LocalFrontier::restore(std::vector<std::uint64_t> seen, std::vector<QueuedUrl> left) {
  seen_.insert(seen.begin(), seen.end());
  for (QueuedUrl& item : left) {
    seen_.insert(hash_url(item.url));
    push(std::move(item));
  }
}

Settled LocalFrontier::take_settled() { return std::exchange(settled_, Settled{}); }

}  // namespace corolab::crawler
