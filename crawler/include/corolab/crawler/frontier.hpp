#pragma once
// The frontier: the URLs a crawl has to do, the URLs it has seen, and when
// it is over. The crawler's core loop (crawler.cpp) asks it; two classes
// answer, and the loop does not know which:
//
//   LocalFrontier (local_frontier.hpp)  one process, in memory
//   RedisFrontier (redis_frontier.hpp)  any number of processes, in Redis
//
// A worker takes a URL, processes it, and finishes it. Whatever it learned
// meanwhile (the URLs it found, the outcomes it settled) is committed when
// it finishes the URL, together with that URL's own outcome: in Redis, one
// script, so that a worker that dies commits nothing, or all of it.
// The records come back from finish() (and commit(), close()) once they are
// final: only then are they reported, each URL's exactly once.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/crawler/outcome.hpp"
#include "corolab/crawler/url.hpp"
#include "corolab/task.hpp"

namespace corolab::crawler {

// A URL waiting to be fetched.
struct QueuedUrl {
  std::string url;
  UrlParts parts;  // parsed once, when the URL was discovered
  int depth = 0;
  std::string parent;
  int redirect_hops = 0;
  std::vector<std::string> redirect_chain;  // to notice loops
};

// Outcomes made final, for the crawler to report.
struct Settled {
  std::vector<PageRecord> records;
  std::size_t duplicates = 0;  // URLs found new here, but seen by the crawl before
};

// A 64-bit hash per URL (FNV-1a): stable across runs and processes, for
// --resume and for a crawl shared in Redis.
std::uint64_t hash_url(std::string_view url) noexcept;

class Frontier {
 public:
  virtual ~Frontier() = default;

  // --- Found while processing a URL: synchronous, a page has many links.
  // False if `url` was offered before (a duplicate). A shared frontier
  // answers for this process; the crawl's answer comes with the commit.
  virtual bool first_sight(std::string_view url) = 0;
  // Queues a URL first_sight() found new. False when the frontier is full.
  virtual bool push(QueuedUrl item) = 0;
  // An outcome: that of a URL taken, or of a new URL not to be fetched.
  virtual void settle(PageRecord record) = 0;
  // A URL only nofollow links led to, so far: settled when the crawl ends,
  // unless a followed link leads there. False if seen or deferred before.
  virtual bool defer(PageRecord record) = 0;

  // --- Working through it.
  // The next URL, taken until finish(); nullopt once the crawl is over
  // (nothing queued or taken anywhere), or once stop() was called.
  virtual Task<std::optional<QueuedUrl>> take() = 0;
  // A URL taken that will not be processed here: kept for later.
  virtual void give_back(QueuedUrl item) = 0;
  // Done with a URL taken (settled or given back): commits it with what was
  // found and settled since the last commit.
  virtual Task<Settled> finish(QueuedUrl item) = 0;
  // Commits what was found and settled so far (the seeds, before the workers).
  virtual Task<Settled> commit() = 0;
  // After the workers: the deferred outcomes still due; URLs still taken
  // are given back.
  virtual Task<Settled> close() = 0;
  // No URL is taken any more; those queued are kept for later.
  virtual void stop() noexcept = 0;

  // --- For the progress line, and for --resume.
  // URLs without an outcome yet, as far as this process knows.
  virtual std::size_t unfinished() const noexcept = 0;
  // URLs given back (not processed here): for the journal.
  virtual std::vector<QueuedUrl> left() const = 0;
  virtual std::vector<std::uint64_t> seen_hashes() const = 0;
  // Before the crawl: what an interrupted one had seen and left.
  virtual void restore(std::vector<std::uint64_t> seen, std::vector<QueuedUrl> left) = 0;
};

}  // namespace corolab::crawler
