#pragma once
// The Lua scripts of the shared frontier (redis_frontier.hpp). Redis runs a
// script atomically: no other command runs in between, so each script is
// one step of the crawl that other workers see whole or not at all.
//
// Keys, all under the crawl's prefix P = "corolab:<crawl_id>:":
//   P queue         the stream of URLs; consumer group "workers"
//   P pending       URLs queued or leased: 0 means the crawl is over
//   P seen:XXXX     dedup buckets (XXXX: the hash's top 16 bits, in hex)
//   P deferred      URLs only nofollow links led to: hash -> record
//   P claim_cursor  where XAUTOCLAIM's scan of the leases goes on
//   P records       every record, once, as a JSON line: the whole crawl's
//                   output, whatever happens to the worker that made it
//   P links         each fetched page's links, once: its URL's 8-byte
//                   hash, then each target's (hash_url, big-endian)
//   P started       when the first worker joined, in ms on Redis's clock
//   P closed        set once the crawl is over and its records complete
// The scripts build key names from P (ARGV[1]) rather than take them all as
// KEYS: fine on one Redis server, which is what a crawl uses (a Redis
// Cluster would need every key of a script in one hash slot).

namespace corolab::crawler::scripts {

// The dedup test, shared by the scripts that add URLs: 1 if the 8-byte
// hash `h` was new (and is now seen), 0 if seen before.
#define COROLAB_SEEN_LUA                                                                   \
  "local function bucket(h)\n"                                                             \
  "  return ARGV[1] .. 'seen:' .. string.format('%02x%02x', h:byte(1, 2))\n"               \
  "end\n"                                                                                  \
  "local function mark_seen(h) return redis.call('HSETNX', bucket(h), h:sub(3), '') end\n" \
  "local function is_seen(h) return redis.call('HEXISTS', bucket(h), h:sub(3)) end\n"

// take: ARGV = P, worker, lease in ms.
// First an entry whose holder has been silent longer than the lease (it
// died, or hangs): XAUTOCLAIM makes it ours, scanning the leases a few at a
// time from where the last scan stopped. Else a new entry (XREADGROUP ">").
// Returns {'claimed' or 'new', pending, the entry, deliveries}; or, when
// there is nothing to take, {'none', pending}: the caller waits, or ends
// when pending is 0. Deliveries: how many times the entry has been handed
// out, this one included (XPENDING's count: XREADGROUP and XAUTOCLAIM add
// one; renewing, XCLAIM JUSTID, does not), so a URL that kills each worker
// that takes it can be given up on.
inline constexpr const char* kTake =
    "local queue = ARGV[1] .. 'queue'\n"
    "local pending = tonumber(redis.call('GET', ARGV[1] .. 'pending') or '0')\n"
    "local cursor = redis.call('GET', ARGV[1] .. 'claim_cursor') or '0-0'\n"
    "local claimed = redis.call('XAUTOCLAIM', queue, 'workers', ARGV[2], ARGV[3], cursor,\n"
    "                           'COUNT', 1)\n"
    "redis.call('SET', ARGV[1] .. 'claim_cursor', claimed[1])\n"
    "if #claimed[2] > 0 then\n"
    "  local id = claimed[2][1][1]\n"
    "  local info = redis.call('XPENDING', queue, 'workers', id, id, 1)\n"
    "  return {'claimed', pending, claimed[2][1], info[1][4]}\n"
    "end\n"
    "local read = redis.call('XREADGROUP', 'GROUP', 'workers', ARGV[2], 'COUNT', 1,\n"
    "                        'STREAMS', queue, '>')\n"
    "if read and #read[1][2] > 0 then return {'new', pending, read[1][2][1], 1} end\n"
    "return {'none', pending}\n";

// commit: ARGV = P, worker, lease entry id ('' for none), requeue ('1' or
// '0'), then four arguments per thing found: kind, 8-byte hash, payload,
// bound ('1': only if the lease is still ours).
//   kind 'queue'  a URL to fetch: queued if new to the crawl
//   kind 'record' the outcome of a URL not fetched: final if new
//   kind 'defer'  a nofollow URL: kept in P deferred if not seen
//   kind 'own'    the outcome of the URL leased: final if the lease holds
//   kind 'links'  the links of the page leased: kept if the lease holds
// A final record (its payload, a JSON line) joins P records in the same
// step: a worker killed right after the commit, before writing its own
// file, loses nothing.
// Then the lease is acknowledged and deleted, and pending lowered; or, to
// requeue (a worker stopping gives its URL back), the entry is added again
// and pending stays. Returns {held (1 or 0), {1 or 0 per thing: it won},
// pending}.
inline constexpr const char* kCommit = COROLAB_SEEN_LUA
    "local queue, pending = ARGV[1] .. 'queue', ARGV[1] .. 'pending'\n"
    "local lease = ARGV[3]\n"
    "local held = 1\n"
    "if lease ~= '' then\n"
    "  local mine = redis.call('XPENDING', queue, 'workers', lease, lease, 1, ARGV[2])\n"
    "  if #mine == 0 then held = 0 end\n"
    "end\n"
    "local won = {}\n"
    "for i = 5, #ARGV, 4 do\n"
    "  local kind, h, payload, bound = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]\n"
    "  local ok = 0\n"
    "  if held == 1 or bound == '0' then\n"
    "    if kind == 'own' then\n"
    "      ok = 1\n"
    "      redis.call('RPUSH', ARGV[1] .. 'records', payload)\n"
    "    elseif kind == 'links' then\n"
    "      ok = 1\n"
    "      redis.call('RPUSH', ARGV[1] .. 'links', payload)\n"
    "    elseif kind == 'defer' then\n"
    "      if is_seen(h) == 0 then ok = redis.call('HSETNX', ARGV[1] .. 'deferred', h, payload) "
    "end\n"
    "    else\n"
    "      ok = mark_seen(h)\n"
    "      if ok == 1 and kind == 'queue' then\n"
    "        redis.call('XADD', queue, '*', 'u', payload)\n"
    "        redis.call('INCR', pending)\n"
    "      elseif ok == 1 then\n"
    "        redis.call('RPUSH', ARGV[1] .. 'records', payload)\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "  won[#won + 1] = ok\n"
    "end\n"
    "if lease ~= '' and held == 1 then\n"
    "  local entry = redis.call('XRANGE', queue, lease, lease)\n"
    "  redis.call('XACK', queue, 'workers', lease)\n"
    "  redis.call('XDEL', queue, lease)\n"
    "  if ARGV[4] == '1' and #entry == 1 then\n"
    "    redis.call('XADD', queue, '*', unpack(entry[1][2]))\n"
    "  else\n"
    "    redis.call('DECR', pending)\n"
    "  end\n"
    "end\n"
    "return {held, won, tonumber(redis.call('GET', pending) or '0')}\n";

// renew: ARGV = P, worker, then the entries it holds. Claiming an entry
// again (XCLAIM, JUSTID: no delivery counted) sets its idle time back to 0:
// the lease starts over. Only entries still ours: one another worker has
// reclaimed is not taken back. Returns how many were renewed.
inline constexpr const char* kRenew =
    "local queue, renewed = ARGV[1] .. 'queue', 0\n"
    "for i = 3, #ARGV do\n"
    "  local mine = redis.call('XPENDING', queue, 'workers', ARGV[i], ARGV[i], 1, ARGV[2])\n"
    "  if #mine == 1 then\n"
    "    redis.call('XCLAIM', queue, 'workers', ARGV[2], 0, ARGV[i], 'JUSTID')\n"
    "    renewed = renewed + 1\n"
    "  end\n"
    "end\n"
    "return renewed\n";

// close_deferred: ARGV = P. Once the crawl is over, the URLs only nofollow
// links led to and no followed link reached: their records, taken (and
// deleted) by the first worker to ask, so each is reported once. Returns
// {payloads..., then the count of those a followed link reached after all}
// as {records, reached}. Marks the crawl closed: its records are complete.
inline constexpr const char* kCloseDeferred = COROLAB_SEEN_LUA
    "local key = ARGV[1] .. 'deferred'\n"
    "local all = redis.call('HGETALL', key)\n"
    "redis.call('DEL', key)\n"
    "local records, reached = {}, 0\n"
    "for i = 1, #all, 2 do\n"
    "  if is_seen(all[i]) == 1 then reached = reached + 1\n"
    "  else\n"
    "    records[#records + 1] = all[i + 1]\n"
    "    redis.call('RPUSH', ARGV[1] .. 'records', all[i + 1])\n"
    "  end\n"
    "end\n"
    "redis.call('SET', ARGV[1] .. 'closed', '1')\n"
    "return {records, reached}\n";

// begin: ARGV = P. The first worker to join notes when the crawl began, on
// Redis's clock (the workers' clocks may differ); the others change nothing.
inline constexpr const char* kBegin =
    "local time = redis.call('TIME')\n"
    "local ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)\n"
    "redis.call('SET', ARGV[1] .. 'started', string.format('%.0f', ms), 'NX')\n"
    "return 1\n";

// age: ARGV = P. Milliseconds since the crawl began, as a string.
inline constexpr const char* kAge =
    "local time = redis.call('TIME')\n"
    "local ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)\n"
    "local started = tonumber(redis.call('GET', ARGV[1] .. 'started') or ms)\n"
    "return string.format('%.0f', ms - started)\n";

#undef COROLAB_SEEN_LUA

}  // namespace corolab::crawler::scripts
