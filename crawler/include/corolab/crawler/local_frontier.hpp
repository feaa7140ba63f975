#pragma once
// The frontier of a crawl in one process: a Channel of URLs, a set of
// hashes of the URLs seen, and a count of the URLs not finished.
// frontier.hpp says what a frontier does; local_frontier.cpp, how.

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "corolab/channel.hpp"
#include "corolab/crawler/frontier.hpp"

namespace corolab::crawler {

class LocalFrontier final : public Frontier {
 public:
  // Beyond `capacity` queued URLs, push() says no (the URL ends as
  // limit_reached). A queued URL costs sizeof(QueuedUrl) (208 bytes,
  // libstdc++ 12) plus its strings' heap blocks.
  explicit LocalFrontier(std::size_t capacity = 1'000'000);

  bool first_sight(std::string_view url) override;
  bool push(QueuedUrl item) override;
  void settle(PageRecord record) override;
  bool defer(PageRecord record) override;

  Task<std::optional<QueuedUrl>> take() override;
  void give_back(QueuedUrl item) override;
  Task<Settled> finish(QueuedUrl item) override;
  Task<Settled> commit() override;
  Task<Settled> close() override;
  void stop() noexcept override;

  std::size_t unfinished() const noexcept override { return pending_ + left_.size(); }
  std::vector<QueuedUrl> left() const override { return left_; }
  std::vector<std::uint64_t> seen_hashes() const override;
  void restore(std::vector<std::uint64_t> seen, std::vector<QueuedUrl> left) override;

 private:
  Settled take_settled();

  // #region crawl_state
  Channel<QueuedUrl> queue_;
  // A 64-bit hash per URL, not the URL: ~45 bytes an entry (measured: a
  // 16-byte node in a 32-byte malloc chunk, 1.2 to 2 bucket pointers, glibc),
  // and two URLs whose hashes collide count as one.
  std::unordered_set<std::uint64_t> seen_;
  std::size_t pending_ = 0;  // queued + taken; 0 means the crawl is over
  // #endregion crawl_state
  bool stopped_ = false;
  std::vector<QueuedUrl> left_;  // not processed, after stop(): for the journal
  Settled settled_;              // since the last commit
  // URLs only nofollow links led to, so far (page_links.cpp).
  std::vector<PageRecord> deferred_;
  std::unordered_set<std::uint64_t> deferred_seen_;
};

}  // namespace corolab::crawler
