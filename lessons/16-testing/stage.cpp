// Lesson 16 stage: the same test, on real time and on virtual time.
//
//   1. A server answers 503, 503, 503, then 200; get_with_retries rides it
//      out, on a loop with real time (backoff 200 ms: 1.4 s of waiting).
//   2. The same on a loop with virtual time, with the real backoff of 1 s:
//      7 s of waiting, measured exactly, in a few milliseconds of wall time.
//   3. Two coroutines that share a counter, under 20 schedule seeds: some
//      seeds lose an update. Set COROLAB_SCHEDULE_SEED=N to replay seed N.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <corolab/event_loop.hpp>
#include <corolab/http/client.hpp>
#include <corolab/sleep.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/testing/schedule_seeds.hpp>
#include <corolab/testing/scripted_server.hpp>
#include <corolab/yield.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "lost_update.hpp"
#include "retrying_get.hpp"

using namespace std::chrono_literals;
using corolab::EventLoop;
using corolab::LoopOptions;
using corolab::Task;
using corolab::TimePoint;
using corolab::http::ClientResponse;
using corolab::testing::Reply;
using corolab::testing::ScriptedServer;

namespace {

double seconds(corolab::Duration duration) {
  return std::chrono::duration<double>(duration).count();
}

Task<ClientResponse> fetch_with_retries(ScriptedServer* server, lesson16::RetryPolicy policy) {
  corolab::http::Client client;
  Task<ClientResponse> retrying =
      lesson16::get_with_retries(&client, server->url("/flaky"), policy);
  ClientResponse response = co_await server->serve_during(std::move(retrying));
  co_return response;
}

// Runs the 503, 503, 503, 200 scenario on `loop`, and prints when each
// request arrived (on the loop's clock) and how long it all took for real.
void run_scenario(EventLoop& loop, lesson16::RetryPolicy policy) {
  ScriptedServer server;
  server.script("/flaky", {Reply::with_status(503), Reply::with_status(503),
                           Reply::with_status(503), Reply::ok("at last")});
  const TimePoint start = loop.now();
  const auto wall_start = std::chrono::steady_clock::now();
  ClientResponse response = corolab::sync_wait(fetch_with_retries(&server, policy));
  const auto wall_time = std::chrono::steady_clock::now() - wall_start;
  for (const corolab::testing::ReceivedRequest& request : server.requests()) {
    fmt::print("   request at t = {:6.3f} s\n", seconds(request.arrived - start));
  }
  fmt::print("   final status {}; wall time {:.3f} s\n", response.status, seconds(wall_time));
}

}  // namespace

using lost_update::two_increments;

int main() {
  fmt::print("1. real time: 503, 503, 503, 200 with backoffs of 200, 400, 800 ms\n");
  {
    EventLoop loop;
    lesson16::RetryPolicy policy;
    policy.first_backoff = 200ms;
    run_scenario(loop, policy);
  }

  fmt::print("\n2. virtual time: the same, with the real backoffs of 1, 2, 4 s\n");
  {
    EventLoop loop(LoopOptions::virtual_time());
    run_scenario(loop, lesson16::RetryPolicy{});
  }

  fmt::print("\n3. two increments of a shared counter, under schedule seeds\n");
  {
    EventLoop fifo(LoopOptions::virtual_time());
    fmt::print("   no seed (first in, first out): counter = {}\n",
               corolab::sync_wait(two_increments()));
  }
  std::vector<std::uint64_t> losing;
  for (std::uint64_t seed : corolab::testing::schedule_seeds(20)) {
    EventLoop loop(LoopOptions::virtual_time(seed));
    const int counter = corolab::sync_wait(two_increments());
    if (counter != 2) losing.push_back(seed);
    fmt::print("   seed {:2}: counter = {}{}\n", seed, counter,
               counter == 2 ? "" : "   <- lost an update");
  }
  if (!losing.empty()) {
    fmt::print("   seeds that lose an update: {}\n", fmt::join(losing, ", "));
    fmt::print("   replay one alone: COROLAB_SCHEDULE_SEED={} ./corolab stage 16\n",
               losing.front());
  }
}
