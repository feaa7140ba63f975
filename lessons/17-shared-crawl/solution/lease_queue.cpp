#include "lease_queue.hpp"

#include <chrono>
#include <stdexcept>
#include <utility>

namespace lesson17 {

namespace redis = corolab::redis;
using corolab::Task;

namespace {

// The acknowledgement, as a Lua script: Redis runs a script whole, with no
// other client's command in between, so the check and the changes below
// are one step that every other worker sees done or not done at all.
// KEYS = N:queue, N:pending, N:records; ARGV = the lease's id, this
// worker, the record. Returns 1 if the lease was held (and is now done),
// else 0, having changed nothing.
// #exercise ack_script: if the lease is still ours: record, acknowledge, delete, lower pending
constexpr const char* kAck =
    // XPENDING's extended form, limited to one id and to this consumer:
    // empty if another worker has claimed the entry meanwhile.
    "local mine = redis.call('XPENDING', KEYS[1], 'workers', ARGV[1], ARGV[1], 1, ARGV[2])\n"
    "if #mine == 0 then return 0 end\n"
    "redis.call('RPUSH', KEYS[3], ARGV[3])\n"
    "redis.call('XACK', KEYS[1], 'workers', ARGV[1])\n"
    "redis.call('XDEL', KEYS[1], ARGV[1])\n"
    "redis.call('DECR', KEYS[2])\n"
    "return 1\n";
// #starter
// constexpr const char* kAck = "return redis.error_reply('lesson 17: write the ack script')";
// #endexercise

// A stream entry as XAUTOCLAIM and XREADGROUP give it: {id, {"item", text}}.
// (Unused by the starter of take: hence [[maybe_unused]].)
[[maybe_unused]] Lease lease_of(const redis::Reply& entry, bool reclaimed) {
  const std::vector<redis::Reply>& parts = entry.as_array();
  return Lease{parts.at(0).as_string(), parts.at(1).as_array().at(1).as_string(), reclaimed};
}

}  // namespace

LeaseQueue::LeaseQueue(redis::Client client, std::string name, std::string worker,
                       corolab::Duration lease)
    : client_(std::move(client)),
      name_(std::move(name)),
      worker_(std::move(worker)),
      lease_(lease) {}

Task<void> LeaseQueue::open() {
  // A pipeline returns error replies as values: BUSYGROUP means another
  // worker created the group first, which is fine.
  std::vector<std::vector<std::string>> create{
      {"XGROUP", "CREATE", name_ + ":queue", "workers", "0", "MKSTREAM"}};
  std::vector<redis::Reply> replies = co_await client_.pipeline(std::move(create));
  const redis::Reply& created = replies.at(0);
  if (created.is_error() && created.text.rfind("BUSYGROUP", 0) != 0) {
    throw std::runtime_error("XGROUP CREATE: " + created.text);
  }
}

Task<void> LeaseQueue::push(std::string item) {
  // MULTI ... EXEC: the entry and its count go in together, or neither does.
  std::vector<std::vector<std::string>> commands{
      {"MULTI"},
      {"XADD", name_ + ":queue", "*", "item", std::move(item)},
      {"INCR", name_ + ":pending"},
      {"EXEC"}};
  std::vector<redis::Reply> replies = co_await client_.pipeline(std::move(commands));
  for (const redis::Reply& reply : replies) {
    if (reply.is_error()) throw std::runtime_error("push: " + reply.text);
  }
}

Task<std::optional<Lease>> LeaseQueue::take() {
  // #exercise take: claim an entry idle longer than the lease (XAUTOCLAIM), else read a new one
  const std::string queue = name_ + ":queue";
  const std::string idle_ms =
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(lease_).count());
  // First a lease whose holder has been silent too long: it died, or hangs.
  // XAUTOCLAIM scans the group's pending entries from the cursor, and makes
  // the first one idle at least `idle_ms` ours (its idle time starts over).
  redis::Reply claimed = co_await client_.command("XAUTOCLAIM", queue, "workers", worker_, idle_ms,
                                                  claim_cursor_, "COUNT", "1");
  // {the cursor to go on from, {the entries claimed}, {ids deleted meanwhile}}
  claim_cursor_ = claimed.as_array().at(0).as_string();
  const std::vector<redis::Reply>& reclaimed = claimed.as_array().at(1).as_array();
  if (!reclaimed.empty()) co_return lease_of(reclaimed.at(0), true);
  // Else an entry never delivered to any worker: ">".
  redis::Reply read = co_await client_.command("XREADGROUP", "GROUP", "workers", worker_, "COUNT",
                                               "1", "STREAMS", queue, ">");
  // nil when there is nothing new; else {{queue, {the entries}}}
  if (read.is_nil()) co_return std::nullopt;
  const std::vector<redis::Reply>& fresh = read.as_array().at(0).as_array().at(1).as_array();
  if (fresh.empty()) co_return std::nullopt;
  co_return lease_of(fresh.at(0), false);
  // #starter
  // throw std::logic_error("lesson 17: write LeaseQueue::take");
  // #endexercise
}

Task<bool> LeaseQueue::ack(Lease lease, std::string record) {
  const std::string queue = name_ + ":queue";
  const std::string pending = name_ + ":pending";
  const std::string records = name_ + ":records";
  redis::Reply done = co_await client_.command("EVAL", kAck, "3", queue, pending, records, lease.id,
                                               worker_, record);
  co_return done.as_integer() == 1;
}

Task<long long> LeaseQueue::pending() {
  const std::string key = name_ + ":pending";
  redis::Reply count = co_await client_.command("GET", key);
  co_return count.is_nil() ? 0 : std::stoll(count.as_string());
}

Task<std::vector<std::string>> LeaseQueue::records() {
  const std::string key = name_ + ":records";
  redis::Reply all = co_await client_.command("LRANGE", key, "0", "-1");
  std::vector<std::string> texts;
  for (const redis::Reply& text : all.as_array()) texts.push_back(text.as_string());
  co_return texts;
}

}  // namespace lesson17
