#pragma once
// A work queue that any number of processes share, in Redis: the shared
// frontier of crawler/include/corolab/crawler/redis_frontier.hpp, cut down
// to its lease and its acknowledgement.
//
// An item handed to a worker is leased, not removed. The queue is a Redis
// Stream read through a consumer group, which keeps the lease table for us:
// XREADGROUP hands an entry to one worker and records who holds it and
// since when (the group's pending entries list); XACK ends the lease.
// A worker that dies (even kill -9) acknowledges nothing, so its entry
// stays pending; once it has been idle longer than the lease, the next
// take() claims it (XAUTOCLAIM) for another worker. Work is therefore done
// at least once. Records are exactly once: ack() records the item's result
// only if its lease is still held, in one Lua script that Redis runs whole.
//
// Keys, for a queue named N:
//   N:queue     the stream; consumer group "workers"
//   N:pending   items queued or leased: 0 means all the work is done
//   N:records   each item's record, once, in the order they were acknowledged

#include <optional>
#include <string>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/redis/client.hpp"
#include "corolab/task.hpp"

namespace lesson17 {

// An item taken: the stream entry's id is the lease's name.
struct Lease {
  std::string id;          // "1733578000000-0"
  std::string item;        // what was pushed
  bool reclaimed = false;  // taken over from a worker whose lease expired
};

class LeaseQueue {
 public:
  // `worker` names this process in the consumer group (unique per worker);
  // `lease` is how long another worker waits for it before reclaiming.
  LeaseQueue(corolab::redis::Client client, std::string name, std::string worker,
             corolab::Duration lease);

  // Creates the stream and its consumer group unless they exist.
  corolab::Task<void> open();
  // Queues an item (and counts it pending), atomically.
  corolab::Task<void> push(std::string item);
  // An item whose lease expired (reclaimed), else a new one; nullopt when
  // there is neither. Then all the work is done if pending() is 0; else
  // other workers hold items, and one may yet die: ask again later.
  corolab::Task<std::optional<Lease>> take();
  // Done with `lease`: if this worker still holds it, appends `record`,
  // acknowledges and deletes the entry and lowers pending, all at once, and
  // returns true. False (and nothing changes) when the lease was reclaimed:
  // the new holder will record it.
  corolab::Task<bool> ack(Lease lease, std::string record);

  corolab::Task<long long> pending();
  corolab::Task<std::vector<std::string>> records();

  const std::string& worker() const noexcept { return worker_; }
  corolab::Duration lease() const noexcept { return lease_; }

 private:
  corolab::redis::Client client_;
  std::string name_;
  std::string worker_;
  corolab::Duration lease_;
  std::string claim_cursor_ = "0-0";  // where XAUTOCLAIM's scan goes on
};

}  // namespace lesson17
