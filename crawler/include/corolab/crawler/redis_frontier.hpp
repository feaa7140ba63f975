#pragma once
// The frontier of a crawl shared by any number of processes, in Redis.
// frontier.hpp says what a frontier does; this, how it is shared.
//
// The queue: a Redis Stream read through a consumer group. Chosen over
// LMOVE into per-worker processing lists, because a consumer group is a
// lease table Redis already keeps: XREADGROUP hands an entry to one worker
// and records who holds it and since when (the pending entries list), and
// XAUTOCLAIM takes over an entry whose holder has been silent longer than
// the lease (the visibility timeout), in one command. With lists, each
// worker's processing list, the time each item was taken, and a reaper that
// scans them all would be ours to write and to get right.
//
// The dedup set: the 64-bit hash of each URL (hash_url, then mixed so that
// its top bits are spread evenly: FNV-1a's are not, for URLs that differ in
// their last characters), in 65 536 Redis hashes chosen by its top 16 bits;
// the field is its other 48 bits (6 bytes), the value empty. A small hash is
// stored as a listpack (one flat allocation: about 10 bytes a field) while
// it has at most hash-max-listpack-entries fields (512 in Debian's
// redis-server 7.0.15, with or without its redis.conf: CONFIG GET), so up
// to 65 536 x 512 = 33 M URLs every bucket stays small; beyond, buckets
// turn into hash tables (an allocated entry and string per field: several
// times the bytes) unless that setting is raised. Measured (INFO memory's used_memory, before and
// after 10^6 URLs, redis-server 7.0.15): 17 bytes a URL, the keys included.
// Collisions: the full 64 bits are kept (the mixing is a bijection), so two
// URLs collide as in LocalFrontier, with probability about n^2 / 2^65 for n
// URLs (2.7e-8 at a million).
//
// Exactly-once records: a worker commits a URL it holds with one Lua script
// (redis_scripts.hpp): check that it still holds the lease, add the URLs the
// page led to (those new to the crawl), acknowledge the entry and lower the
// pending count, all or nothing. A worker whose lease was taken over commits
// nothing, and reports nothing: the new holder will. Fetches are at least
// once; records, exactly once. The same script appends each final record
// to a Redis list (corolab:<crawl_id>:records, a JSON line each): the whole
// crawl's records, even those of a worker killed before it wrote them to
// its own file.
//
// Termination: a counter of URLs queued or leased (`pending`), changed only
// by the scripts. Zero means nobody can discover anything any more.
//
// The whole crawl's reports: the records list, and each fetched page's links
// (keep_link), committed with its URL like its record, as 8-byte hashes
// (8 bytes a link, not two URLs): the records name
// every URL a link leads to, so the hashes are enough to draw the graph.
//
// Redis going away: a script whose connection broke, or that got no answer
// in time, is run again once Redis is back (options.backoff). Each script
// is safe to run twice: a take whose answer was lost leaves an entry
// leased to nobody who knows, and its lease expires; a commit that had
// run finds its lease acknowledged and commits nothing again (its records
// are in the records list, though not in this worker's file).
//
// What a lease led to: the crawler's calls (push, settle, defer) do not say
// which URL taken they belong to; the record's or item's `parent` does (the
// page that linked there). What belongs to no URL held here (the seeds, the
// pages a sitemap names) is committed unconditionally: the dedup set alone
// decides.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "corolab/crawler/frontier.hpp"
#include "corolab/redis/client.hpp"

namespace corolab::crawler {

struct RedisFrontierOptions {
  std::string crawl_id;  // the crawl's keys are "corolab:<crawl_id>:..."
  std::string worker;    // this process's consumer name, unique in the crawl
  // A URL taken and not finished within this time goes to another worker,
  // unless keep_leases() renews it: then only a worker that died or hangs
  // loses its URLs, this long after.
  Duration lease = std::chrono::seconds(60);
  // A URL handed out this many times without a commit (each worker that
  // took it died or hung: a page that crashes the crawler, say) is not
  // handed out again: the worker that would take it next records it as a
  // network_error saying so. 0: no limit.
  int max_deliveries = 5;
  // How often an idle worker asks again while others still hold URLs.
  Duration poll = std::chrono::milliseconds(20);
  // When Redis goes away mid-crawl: how to wait for it (and say so, with
  // backoff.on_retry). By default, retried without end, until it is back.
  redis::Backoff backoff{};
};

class RedisFrontier final : public Frontier {
 public:
  // Joins the crawl (starting it if it is new): creates its stream and
  // consumer group unless they exist. Throws what the client throws.
  static Task<std::unique_ptr<RedisFrontier>> join(redis::Client client,
                                                   RedisFrontierOptions options);

  bool first_sight(std::string_view url) override;
  bool push(QueuedUrl item) override;
  void settle(PageRecord record) override;
  bool defer(PageRecord record) override;

  Task<std::optional<QueuedUrl>> take() override;
  void give_back(QueuedUrl item) override;
  Task<Settled> finish(QueuedUrl item) override;
  Task<Settled> commit() override;
  Task<Settled> close() override;
  void stop() noexcept override { stopped_ = true; }

  // The crawl's URLs queued or leased, as Redis said at the last take or commit.
  std::size_t unfinished() const noexcept override { return pending_; }
  // A shared crawl keeps what is left in Redis: nothing for a journal.
  std::vector<QueuedUrl> left() const override { return {}; }
  std::vector<std::uint64_t> seen_hashes() const override { return {}; }
  // Throws std::logic_error: a shared crawl resumes by joining it again.
  void restore(std::vector<std::uint64_t> seen, std::vector<QueuedUrl> left) override;

  // Renews the leases of the URLs held here, every third of a lease, until
  // cancelled: a page may wait long for its host's turn (--delay,
  // Crawl-delay) without being taken for dead. Run it beside the crawl.
  // A failed renewal is tried again at the next turn.
  Task<void> keep_leases();

  // take() found nothing queued or leased anywhere: the crawl is over.
  bool over() const noexcept { return over_ && !stopped_; }
  // A link found on `from`, a page held here: committed with it.
  void keep_link(const std::string& from, const std::string& to);

  // Every record of the crawl, a JSON line each, in the order they were
  // committed, read `chunk` at a time: once closed(), the whole crawl's
  // (close() is where the last ones, nofollow URLs, join).
  Task<std::vector<std::string>> all_records(std::size_t chunk = 10'000);
  // Every link between two pages, as hash_url of each end.
  using LinkHashes = std::pair<std::uint64_t, std::uint64_t>;
  Task<std::vector<LinkHashes>> all_links(std::size_t chunk = 10'000);
  // Whether the crawl is over and all its records are in (a worker that
  // saw it end has run close()). Asks Redis.
  Task<bool> closed();
  // URLs queued or leased in the whole crawl, now. Asks Redis.
  Task<std::size_t> pending_now();
  // Time since the crawl's first worker joined, on Redis's clock.
  Task<Duration> age();

  // Script runs so far: round trips to Redis, for statistics.
  std::size_t round_trips() const noexcept { return round_trips_; }

  // What a page led to, kept until its URL is committed.
  struct Found;

  RedisFrontier(redis::Client client, RedisFrontierOptions options);
  ~RedisFrontier() override;

 private:
  Task<Settled> commit_lease(std::string lease, std::string url, bool requeue);
  Task<redis::Reply> run_script(std::vector<std::string> args);
  Task<Settled> give_up(QueuedUrl item, long long takers);
  Settled with_held_over(Settled settled);
  Task<std::vector<std::string>> read_list(std::string name, std::size_t chunk);

  redis::Client client_;
  RedisFrontierOptions options_;
  std::string prefix_;                                   // "corolab:<crawl_id>:"
  std::unordered_set<std::uint64_t> seen_;               // by this process: fewer round trips
  std::unordered_set<std::uint64_t> deferred_seen_;      // deferred by this process
  std::vector<Found> found_;                             // not committed yet
  std::unordered_map<std::string, std::string> leases_;  // URL held -> its stream entry
  std::unordered_set<std::string> given_back_;           // URLs held, to requeue
  std::unordered_map<std::string, std::string> links_;   // URL held -> its links' hashes
  Settled held_over_;                                    // given up in take(), to report
  std::size_t pending_ = 0;                              // the crawl's, when last asked
  std::size_t round_trips_ = 0;
  bool stopped_ = false;
  bool over_ = false;  // take() saw nothing queued or leased anywhere
};

}  // namespace corolab::crawler
