// with_timeout / with_deadline: a task that finishes in time, one that does
// not (it is cancelled and destroyed; TimeoutError is thrown at the
// timeout, or later if the task is slow to stop), a deadline in the past,
// nested timeouts, and a timeout on a task stuck in a channel receive. On
// virtual time: a timeout fires exactly when it is due, and no test waits
// for real.
#include "corolab/timeout.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "async_test_helpers.hpp"
#include "corolab/channel.hpp"
#include "corolab/event.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task.hpp"
#include "corolab/yield.hpp"
#include "lifetime_counter.hpp"

using corolab::Channel;
using corolab::Duration;
using corolab::Event;
using corolab::EventLoop;
using corolab::LoopOptions;
using corolab::OperationCancelled;
using corolab::sync_wait;
using corolab::Task;
using corolab::TimeoutError;
using corolab::with_deadline;
using corolab::with_timeout;
using Log = std::vector<std::string>;
using namespace std::chrono_literals;

using test_helpers::slow_to_stop;

namespace {

Task<int> int_after_yield(int value) {
  co_await corolab::yield();
  co_return value;
}

Task<void> log_after_yield(Log* log) {
  co_await corolab::yield();
  log->push_back("void task ran");
}

Task<void> in_time(Log* log, int* value) {
  Task<int> guarded = with_timeout(1h, int_after_yield(42));
  *value = co_await std::move(guarded);
  Task<void> guarded_void = with_timeout(1h, log_after_yield(log));
  co_await std::move(guarded_void);
  Task<int> before_deadline = with_deadline(EventLoop::current().now() + 1h, int_after_yield(7));
  *value += co_await std::move(before_deadline);
}

// Sleeps for an hour unless cancelled; logs the cancellation and rethrows it.
Task<int> sleep_an_hour(Log* log) {
  LifetimeCounter in_frame;
  try {
    co_await corolab::sleep_for(1h);
  } catch (const OperationCancelled&) {
    log->push_back("task cancelled");
    throw;
  }
  co_return 0;
}

Task<void> time_out_a_sleeper(Log* log, Duration timeout) {
  Task<int> guarded = with_timeout(timeout, sleep_an_hour(log));
  try {
    co_await std::move(guarded);
  } catch (const TimeoutError&) {
    log->push_back("timed out, alive " + std::to_string(LifetimeCounter::alive));
    throw;
  }
}

Task<void> time_out_a_slow_stopper(Log* log) {
  Task<int> guarded = with_timeout(10ms, slow_to_stop(log, "task", 30ms));
  try {
    co_await std::move(guarded);
  } catch (const TimeoutError&) {
    log->push_back("timed out");
    throw;
  }
}

Task<int> wait_forever(Event* never_set, Log* log) {
  try {
    co_await never_set->wait();
  } catch (const OperationCancelled&) {
    log->push_back("task cancelled");
    throw;
  }
  co_return 0;
}

Task<void> past_deadline(Event* never_set, Log* log) {
  Task<int> guarded = with_deadline(EventLoop::current().now() - 1s, wait_forever(never_set, log));
  co_await std::move(guarded);
}

Task<int> inner_timeout(Log* log, Duration timeout) {
  Task<int> guarded = with_timeout(timeout, sleep_an_hour(log));
  int value = 0;
  try {
    value = co_await std::move(guarded);
  } catch (const TimeoutError&) {
    log->push_back("inner timed out");
    throw;
  }
  co_return value;
}

Task<void> nested_timeouts(Log* log, Duration outer, Duration inner) {
  Task<int> guarded = with_timeout(outer, inner_timeout(log, inner));
  try {
    co_await std::move(guarded);
  } catch (const TimeoutError&) {
    log->push_back("outer caught TimeoutError");
  }
}

Task<std::optional<int>> receive_one(Channel<int>* channel) {
  std::optional<int> item = co_await channel->receive();
  co_return item;
}

Task<void> receive_with_timeout(Channel<int>* channel, Log* log, Duration timeout) {
  Task<std::optional<int>> guarded = with_timeout(timeout, receive_one(channel));
  try {
    co_await std::move(guarded);
  } catch (const TimeoutError&) {
    log->push_back("receive timed out");
  }
}

Task<int> value_after(Duration delay, int value) {
  co_await corolab::sleep_for(delay);
  co_return value;
}

// The timeout is created long before it is awaited: lazy like every Task,
// its clock must start at the co_await, not at the call.
Task<int> await_a_timeout_created_earlier() {
  Task<int> guarded = with_timeout(50ms, value_after(10ms, 5));
  co_await corolab::sleep_for(100ms);
  int value = co_await std::move(guarded);
  co_return value;
}

}  // namespace

TEST_CASE("the timeout clock starts when the task is awaited, not when it is created") {
  EventLoop loop(LoopOptions::virtual_time());
  const auto start = loop.now();
  CHECK(sync_wait(await_a_timeout_created_earlier()) == 5);
  CHECK(loop.now() - start == 100ms + 10ms);
}

// A task that ends before the timeout gives its result (or just ends, for
// void); the timer is cancelled, or sync_wait would wait an hour for it.
TEST_CASE("a task that finishes in time returns its value") {
  EventLoop loop(LoopOptions::virtual_time());
  const auto start = loop.now();
  Log log;
  int value = 0;
  sync_wait(in_time(&log, &value));
  CHECK(value == 42 + 7);
  CHECK(log == Log{"void task ran"});
  CHECK(loop.now() == start);  // no timer was waited for
}

// The task is cancelled and its frame destroyed before TimeoutError reaches
// the caller, and that happens exactly at the timeout.
TEST_CASE("a task that takes too long is cancelled and TimeoutError is thrown") {
  ExpectNoLeaks no_leaks;
  const int alive_before = LifetimeCounter::alive;
  EventLoop loop(LoopOptions::virtual_time());
  Log log;
  const auto start = loop.now();
  CHECK_THROWS_WITH(sync_wait(time_out_a_sleeper(&log, 50ms)), "operation timed out");
  CHECK(loop.now() - start == 50ms);
  CHECK(log == Log{"task cancelled", "timed out, alive " + std::to_string(alive_before)});
}

// The timeout is when the task is asked to stop; TimeoutError comes when it
// has stopped: 30 ms of tidying up later.
TEST_CASE("a task slow to stop delays TimeoutError until it has ended") {
  EventLoop loop(LoopOptions::virtual_time());
  Log log;
  const auto start = loop.now();
  CHECK_THROWS_AS(sync_wait(time_out_a_slow_stopper(&log)), TimeoutError);
  CHECK(loop.now() - start == 10ms + 30ms);
  CHECK(log == Log{"task tidying up", "task tidied up", "timed out"});
}

// A deadline already past still lets the task start, then times it out.
TEST_CASE("with_deadline in the past times out") {
  Event never_set;
  Log log;
  CHECK_THROWS_AS(sync_wait(past_deadline(&never_set, &log)), TimeoutError);
  CHECK(log == Log{"task cancelled"});
}

// The shorter of two nested timeouts fires: if it is the inner one, the inner
// with_timeout throws (and the outer passes its error on); if it is the outer
// one, the inner with_timeout is just cancelled.
TEST_CASE("nested timeouts: the shorter one fires") {
  EventLoop loop(LoopOptions::virtual_time());
  Log log;
  const auto start = loop.now();
  SECTION("inner shorter") {
    sync_wait(nested_timeouts(&log, 1h, 20ms));
    CHECK(log == Log{"task cancelled", "inner timed out", "outer caught TimeoutError"});
  }
  SECTION("outer shorter") {
    sync_wait(nested_timeouts(&log, 20ms, 1h));
    CHECK(log == Log{"task cancelled", "outer caught TimeoutError"});
  }
  CHECK(loop.now() - start == 20ms);
}

// The receive is cancelled: it takes no item, so an item sent afterwards stays
// in the channel.
TEST_CASE("a timeout on a task stuck in a channel receive") {
  EventLoop loop(LoopOptions::virtual_time());
  Channel<int> channel{1};
  Log log;
  const auto start = loop.now();
  sync_wait(receive_with_timeout(&channel, &log, 30ms));
  CHECK(loop.now() - start == 30ms);
  CHECK(log == Log{"receive timed out"});
  int five = 5;
  CHECK(channel.try_send(five));
  CHECK(channel.size() == 1);
  CHECK(channel.try_receive() == std::optional<int>(5));
}
