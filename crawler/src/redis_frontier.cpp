// The frontier of a shared crawl (redis_frontier.hpp says why it is built
// this way; redis_scripts.hpp holds the scripts). This file is the C++ side:
// it keeps what pages led to until their URL is committed, and turns each
// script's answer into the outcomes now final.
#include "corolab/crawler/redis_frontier.hpp"

#include <stdexcept>
#include <utility>

#include "corolab/crawler/reports.hpp"
#include "corolab/sleep.hpp"
#include "queued_url_text.hpp"
#include "redis_scripts.hpp"

namespace corolab::crawler {

struct RedisFrontier::Found {
  enum class Kind { queue, record, defer, own, links };
  Kind kind = Kind::queue;
  std::string key;         // the URL taken it belongs to (if it is held here)
  std::uint64_t hash = 0;  // of its URL
  std::string payload;     // what Redis keeps: a QueuedUrl, or a record's JSON line
  PageRecord record;       // record, defer, own: what is reported if it wins
  bool bound = false;      // in a commit: only if the lease still holds
};

namespace {

using Kind = RedisFrontier::Found::Kind;

const char* name_of(Kind kind) {
  switch (kind) {
    case Kind::queue: return "queue";
    case Kind::record: return "record";
    case Kind::defer: return "defer";
    case Kind::own: return "own";
    case Kind::links: return "links";
  }
  return "?";
}

// MurmurHash3's finalizer: every input bit changes about half the output
// bits, and no two inputs give one output (each step can be undone).
std::uint64_t mix(std::uint64_t hash) {
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdull;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ull;
  return hash ^ (hash >> 33);
}

// A hash as 8 bytes, most significant first, and back.
std::string big_endian(std::uint64_t hash) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i, hash >>= 8) bytes[i] = static_cast<char>(hash & 0xff);
  return bytes;
}

std::uint64_t from_big_endian(std::string_view bytes) {
  std::uint64_t hash = 0;
  for (char byte : bytes.substr(0, 8)) hash = hash << 8 | static_cast<unsigned char>(byte);
  return hash;
}

// The mixed hash: the script takes its first two bytes as the bucket, the
// other six as the field (redis_frontier.hpp).
std::string hash_bytes(std::uint64_t url_hash) { return big_endian(mix(url_hash)); }

void merge(Settled& into, Settled from) {
  for (PageRecord& record : from.records) into.records.push_back(std::move(record));
  into.duplicates += from.duplicates;
}

}  // namespace

RedisFrontier::RedisFrontier(redis::Client client, RedisFrontierOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      prefix_("corolab:" + options_.crawl_id + ":") {}

RedisFrontier::~RedisFrontier() = default;

// The stream and its consumer group are created by the first worker; the
// others find them (BUSYGROUP). Reading from "0" gives a group made after
// the first URLs were queued all of them.
Task<std::unique_ptr<RedisFrontier>> RedisFrontier::join(redis::Client client,
                                                         RedisFrontierOptions options) {
  auto frontier = std::make_unique<RedisFrontier>(std::move(client), std::move(options));
  std::vector<std::vector<std::string>> create{
      {"XGROUP", "CREATE", frontier->prefix_ + "queue", "workers", "0", "MKSTREAM"},
      {"EVAL", scripts::kBegin, "0", frontier->prefix_}};
  std::vector<redis::Reply> replies = co_await frontier->client_.pipeline(std::move(create));
  const redis::Reply& reply = replies.at(0);
  if (reply.is_error() && reply.text.rfind("BUSYGROUP", 0) != 0) {
    throw redis::ReplyError(frontier->client_.url().address(), "XGROUP", reply.text);
  }
  co_return frontier;
}

bool RedisFrontier::first_sight(std::string_view url) { return seen_.insert(hash_url(url)).second; }

bool RedisFrontier::push(QueuedUrl item) {
  Found found{Kind::queue, item.parent, hash_url(item.url), to_text(item), {}, false};
  found_.push_back(std::move(found));
  return true;  // Redis holds the queue: no bound of ours
}

// The outcome of a URL held here is its own; any other was found by a page.
void RedisFrontier::settle(PageRecord record) {
  Found found;
  found.hash = hash_url(record.url);
  if (leases_.contains(record.url)) {
    found.kind = Kind::own;
    found.key = record.url;
  } else {
    found.kind = Kind::record;
    found.key = record.parent;
  }
  found.payload = json_line(record);
  found.record = std::move(record);
  found_.push_back(std::move(found));
}

bool RedisFrontier::defer(PageRecord record) {
  const std::uint64_t hash = hash_url(record.url);
  if (seen_.contains(hash) || !deferred_seen_.insert(hash).second) return false;
  Found found{Kind::defer, record.parent, hash, json_line(record), std::move(record), false};
  found_.push_back(std::move(found));
  return true;
}

// Ask until there is a URL, or the crawl is over. Waiting between asks
// (options_.poll) rather than blocking in Redis: a take is one script that
// reclaims expired leases too, and scripts cannot block.
Task<std::optional<QueuedUrl>> RedisFrontier::take() {
  const std::string lease_ms =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(options_.lease).count());
  while (!stopped_) {
    std::vector<std::string> take{"EVAL", scripts::kTake, "0", prefix_, options_.worker, lease_ms};
    redis::Reply reply = co_await run_script(std::move(take));
    const std::vector<redis::Reply>& answer = reply.as_array();
    pending_ = static_cast<std::size_t>(answer.at(1).as_integer());
    if (answer.at(0).as_string() == "none") {
      if (pending_ == 0) {
        over_ = true;
        co_return std::nullopt;
      }
      co_await sleep_for(options_.poll);
      continue;
    }
    const std::vector<redis::Reply>& entry = answer.at(2).as_array();  // {id, {"u", text}}
    const std::string& id = entry.at(0).as_string();
    std::optional<QueuedUrl> item = queued_url_from_text(entry.at(1).as_array().at(1).as_string());
    if (!item) {
      Settled ignored = co_await commit_lease(id, "", false);  // unreadable: acknowledged, dropped
      (void)ignored;
      continue;
    }
    seen_.insert(hash_url(item->url));
    leases_[item->url] = id;
    const long long deliveries = answer.at(3).as_integer();
    if (options_.max_deliveries > 0 && deliveries > options_.max_deliveries) {
      Settled given_up = co_await give_up(std::move(*item), deliveries - 1);
      merge(held_over_, std::move(given_up));
      continue;
    }
    co_return item;
  }
  co_return std::nullopt;
}

Task<void> RedisFrontier::keep_leases() {
  while (true) {
    co_await sleep_for(options_.lease / 3);
    if (leases_.empty()) continue;
    std::vector<std::string> args{"EVAL", scripts::kRenew, "0", prefix_, options_.worker};
    for (const auto& [url, id] : leases_) args.push_back(id);
    try {
      co_await client_.command(std::move(args));
      ++round_trips_;
    } catch (const redis::Error&) {
      // Redis away: the leases run on, and the next turn tries again.
    }
  }
}

void RedisFrontier::keep_link(const std::string& from, const std::string& to) {
  std::string& links = links_[from];
  if (links.empty()) links = big_endian(hash_url(from));
  links += big_endian(hash_url(to));
}

Task<std::vector<std::string>> RedisFrontier::read_list(std::string name, std::size_t chunk) {
  std::vector<std::string> items;
  for (std::size_t start = 0;; start += chunk) {
    const std::string last = std::to_string(start + chunk - 1);
    redis::Reply part =
        co_await client_.command("LRANGE", prefix_ + name, std::to_string(start), last);
    for (const redis::Reply& item : part.as_array()) items.push_back(item.as_string());
    if (part.as_array().size() < chunk) co_return items;
  }
}

Task<std::vector<std::string>> RedisFrontier::all_records(std::size_t chunk) {
  std::vector<std::string> lines = co_await read_list("records", chunk);
  co_return lines;
}

Task<std::vector<RedisFrontier::LinkHashes>> RedisFrontier::all_links(std::size_t chunk) {
  const std::vector<std::string> pages = co_await read_list("links", chunk);
  std::vector<LinkHashes> links;
  for (const std::string& page : pages) {
    const std::string_view bytes = page;
    for (std::size_t at = 8; at + 8 <= bytes.size(); at += 8)
      links.emplace_back(from_big_endian(bytes), from_big_endian(bytes.substr(at)));
  }
  co_return links;
}

Task<bool> RedisFrontier::closed() {
  const redis::Reply reply = co_await client_.command("EXISTS", prefix_ + "closed");
  co_return reply.as_integer() == 1;
}

Task<std::size_t> RedisFrontier::pending_now() {
  const redis::Reply reply = co_await client_.command("GET", prefix_ + "pending");
  co_return reply.is_nil() ? 0 : std::stoull(reply.as_string());
}

Task<Duration> RedisFrontier::age() {
  const redis::Reply reply = co_await client_.command("EVAL", scripts::kAge, "0", prefix_);
  const auto age = std::chrono::milliseconds(std::stoll(reply.as_string()));
  co_return std::chrono::duration_cast<Duration>(age);
}

// A URL that every worker that took it failed to finish: its record, in
// place of a fetch, committed with its lease like any other.
Task<Settled> RedisFrontier::give_up(QueuedUrl item, long long takers) {
  PageRecord record;
  record.url = item.url;
  record.depth = item.depth;
  record.parent = item.parent;
  record.outcome = Outcome::network_error;
  record.error = "given up: taken " + std::to_string(takers) +
                 " times by workers that died or hung before finishing it";
  settle(std::move(record));
  Settled settled = co_await finish(std::move(item));
  co_return settled;
}

// Records made while taking (give_up), reported with the next results.
Settled RedisFrontier::with_held_over(Settled settled) {
  merge(settled, std::move(held_over_));
  held_over_ = Settled{};
  return settled;
}

void RedisFrontier::give_back(QueuedUrl item) { given_back_.insert(item.url); }

Task<Settled> RedisFrontier::finish(QueuedUrl item) {
  const auto lease = leases_.find(item.url);
  const std::string id = lease == leases_.end() ? std::string() : lease->second;
  const bool requeue = given_back_.erase(item.url) > 0;
  Settled settled = co_await commit_lease(id, item.url, requeue);
  leases_.erase(item.url);
  co_return with_held_over(std::move(settled));
}

Task<Settled> RedisFrontier::commit() {
  Settled settled = co_await commit_lease("", "", false);
  co_return with_held_over(std::move(settled));
}

// After the workers: URLs still held (their workers were cancelled) go back
// to the queue; and once the crawl is over, the first worker here takes the
// nofollow URLs no followed link reached.
Task<Settled> RedisFrontier::close() {
  Settled settled;
  const std::vector<std::pair<std::string, std::string>> held(leases_.begin(), leases_.end());
  for (const auto& [url, id] : held) {
    Settled requeued = co_await commit_lease(id, url, true);
    merge(settled, std::move(requeued));
    leases_.erase(url);
  }
  Settled rest = co_await commit_lease("", "", false);
  merge(settled, std::move(rest));
  settled = with_held_over(std::move(settled));
  if (!over_ || stopped_) co_return settled;
  std::vector<std::string> close_deferred{"EVAL", scripts::kCloseDeferred, "0", prefix_};
  redis::Reply reply = co_await run_script(std::move(close_deferred));
  for (const redis::Reply& text : reply.as_array().at(0).as_array()) {
    if (std::optional<PageRecord> record = record_from_json(text.as_string())) {
      settled.records.push_back(std::move(*record));
    }
  }
  settled.duplicates += static_cast<std::size_t>(reply.as_array().at(1).as_integer());
  co_return settled;
}

// Until it gets an answer: when Redis cannot be reached, waits for it as
// options_.backoff says (redis_frontier.hpp: why running again is safe).
// An error reply is not retried: the same script would fail the same way.
Task<redis::Reply> RedisFrontier::run_script(std::vector<std::string> args) {
  while (true) {
    try {
      redis::Reply reply = co_await client_.command(args);
      ++round_trips_;
      co_return reply;
    } catch (const redis::ConnectionError&) {
      // below: no co_await in a catch block
    } catch (const redis::TimeoutError&) {
    }
    co_await client_.reconnect(options_.backoff);
  }
}

void RedisFrontier::restore(std::vector<std::uint64_t>, std::vector<QueuedUrl>) {
  throw std::logic_error("a crawl shared in Redis resumes by joining it again, not --resume");
}

// One script: what `url`'s page led to, bound to its lease, and what belongs
// to no URL held here; then the lease acknowledged (or requeued). What
// other URLs held here led to waits for their own commit.
Task<Settled> RedisFrontier::commit_lease(std::string lease, std::string url, bool requeue) {
  std::vector<Found> batch;
  std::vector<Found> kept;
  if (const auto links = links_.find(url); links != links_.end()) {
    // (no hash of its own: the payload starts with the page's)
    if (!requeue) batch.push_back(Found{Kind::links, url, 0, std::move(links->second), {}, true});
    links_.erase(links);
  }
  for (Found& found : found_) {
    found.bound = !url.empty() && found.key == url;
    if (found.bound && requeue) continue;  // given back: the next holder finds it again
    if (found.bound || !leases_.contains(found.key)) {
      batch.push_back(std::move(found));
    } else {
      kept.push_back(std::move(found));
    }
  }
  found_ = std::move(kept);
  if (lease.empty() && batch.empty()) co_return Settled{};

  std::vector<std::string> args{"EVAL", scripts::kCommit,   "0", prefix_, options_.worker,
                                lease,  requeue ? "1" : "0"};
  for (const Found& found : batch) {
    args.insert(args.end(), {name_of(found.kind), hash_bytes(found.hash), found.payload,
                             found.bound ? "1" : "0"});
  }
  redis::Reply reply = co_await run_script(std::move(args));

  const bool held = reply.as_array().at(0).as_integer() == 1;
  const std::vector<redis::Reply>& won = reply.as_array().at(1).as_array();
  pending_ = static_cast<std::size_t>(reply.as_array().at(2).as_integer());
  Settled settled;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Found& found = batch[i];
    if (found.bound && !held) continue;  // another worker holds that URL now
    if (won.at(i).as_integer() == 0) {
      if (found.kind != Kind::own) ++settled.duplicates;  // the crawl had it already
    } else if (found.kind == Kind::record || found.kind == Kind::own) {
      settled.records.push_back(std::move(found.record));
    }
  }
  co_return settled;
}

}  // namespace corolab::crawler
