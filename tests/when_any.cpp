// when_any: the first task to end decides (value or exception); the losers
// are cancelled and awaited before when_any returns, and whatever they do
// after losing is ignored. Also the range form and its empty-range error.
// Races with an hour-long sleeper run on virtual time, and check that the
// loop's clock has not moved: the sleep ended at once, cancelled.
#include "corolab/when_any.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "async_test_helpers.hpp"
#include "corolab/event.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task.hpp"
#include "corolab/yield.hpp"
#include "lifetime_counter.hpp"

using corolab::Event;
using corolab::EventLoop;
using corolab::LoopOptions;
using corolab::OperationCancelled;
using corolab::sync_wait;
using corolab::Task;
using corolab::when_any;
using corolab::WhenAnyResult;
using Log = std::vector<std::string>;
using namespace std::chrono_literals;

using test_helpers::log_after_yields;
using test_helpers::sort_range;
using test_helpers::yield_times;

namespace {

Task<int> int_after_yields(int value, int yields) {
  co_await yield_times(yields);
  co_return value;
}

Task<int> wait_forever(Event* never_set, Log* log, std::string name) {
  LifetimeCounter in_frame;
  try {
    co_await never_set->wait();
  } catch (const OperationCancelled&) {
    log->push_back(name + " cancelled");
    throw;
  }
  co_return -1;
}

Task<std::string> sleep_an_hour(Log* log, std::string name) {
  LifetimeCounter in_frame;
  try {
    co_await corolab::sleep_for(1h);
  } catch (const OperationCancelled&) {
    log->push_back(name + " cancelled");
    throw;
  }
  co_return "slept";
}

using ThreeWay = std::variant<int, int, std::string>;

Task<void> middle_one_wins(Event* never_set, Log* log, ThreeWay* winner) {
  Task<int> a = wait_forever(never_set, log, "A");
  Task<int> b = int_after_yields(7, 1);
  Task<std::string> c = sleep_an_hour(log, "C");
  auto race = when_any(std::move(a), std::move(b), std::move(c));
  static_assert(std::is_same_v<decltype(race), Task<ThreeWay>>);
  ThreeWay result = co_await std::move(race);
  log->push_back("returned, alive " + std::to_string(LifetimeCounter::alive));
  *winner = std::move(result);
}

Task<int> fail_after_yield(Log* log) {
  co_await corolab::yield();
  log->push_back("failing");
  throw std::runtime_error("fast failure");
  co_return 0;
}

Task<void> failure_wins(Log* log) {
  Task<std::string> sleeper = sleep_an_hour(log, "sleeper");
  Task<int> failure = fail_after_yield(log);
  auto race = when_any(std::move(sleeper), std::move(failure));
  try {
    co_await std::move(race);
  } catch (const std::runtime_error& e) {
    log->push_back(std::string("caught ") + e.what() + ", alive " +
                   std::to_string(LifetimeCounter::alive));
    throw;
  }
}

// When cancelled, fails with an error of its own instead.
Task<int> fail_when_cancelled(Log* log) {
  bool cancelled = false;
  try {
    co_await corolab::sleep_for(1h);
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  if (cancelled) {
    log->push_back("cancelled loser fails");
    throw std::runtime_error("loser failed");
  }
  co_return -1;
}

Task<int> fail_after_yields(Log* log, int yields) {
  co_await yield_times(yields);  // yields are not cancellable
  log->push_back("late loser fails");
  throw std::runtime_error("late failure");
  co_return -2;
}

Task<void> losers_fail_after_losing(Log* log, std::variant<int, int, int>* winner) {
  Task<int> fast = int_after_yields(1, 1);
  Task<int> cancelled_loser = fail_when_cancelled(log);
  Task<int> late_loser = fail_after_yields(log, 4);
  auto race = when_any(std::move(fast), std::move(cancelled_loser), std::move(late_loser));
  std::variant<int, int, int> result = co_await std::move(race);
  log->push_back("returned");
  *winner = result;
}

Task<void> int_range(Event* never_set, Log* log, WhenAnyResult<int>* winner) {
  std::vector<Task<int>> tasks;
  tasks.push_back(wait_forever(never_set, log, "0"));
  tasks.push_back(wait_forever(never_set, log, "1"));
  tasks.push_back(int_after_yields(20, 1));
  tasks.push_back(wait_forever(never_set, log, "3"));
  auto race = when_any(std::move(tasks));
  WhenAnyResult<int> result = co_await std::move(race);
  log->push_back("returned, alive " + std::to_string(LifetimeCounter::alive));
  *winner = result;
}

Task<void> void_range(Log* log, std::size_t* winner) {
  std::vector<Task<void>> tasks;
  tasks.push_back(log_after_yields(log, "0", 3));
  tasks.push_back(log_after_yields(log, "1", 1));
  tasks.push_back(log_after_yields(log, "2", 2));
  auto race = when_any(std::move(tasks));
  WhenAnyResult<void> result = co_await std::move(race);
  static_assert(std::is_same_v<decltype(result.value), std::monostate>);
  *winner = result.index;
}

Task<void> empty_range() {
  std::vector<Task<int>> tasks;
  auto race = when_any(std::move(tasks));
  co_await std::move(race);
}

}  // namespace

// B finishes first and wins; A (waiting on an event never set) and C
// (sleeping an hour) are cancelled, and their frames are gone by the time
// when_any returns.
TEST_CASE("when_any: the first task to finish wins, the losers are cancelled and awaited") {
  ExpectNoLeaks no_leaks;
  const int alive_before = LifetimeCounter::alive;
  EventLoop loop(LoopOptions::virtual_time());
  const corolab::TimePoint start = loop.now();
  Event never_set;
  Log log;
  ThreeWay winner{std::in_place_index<2>, "nobody"};
  sync_wait(middle_one_wins(&never_set, &log, &winner));
  CHECK(loop.now() == start);
  REQUIRE(winner.index() == 1);
  CHECK(std::get<1>(winner) == 7);
  CHECK(sort_range(log, 0, 2) ==
        Log{"A cancelled", "C cancelled", "returned, alive " + std::to_string(alive_before)});
}

// The first task to end does so by throwing: when_any rethrows its error,
// after the other task has been cancelled and destroyed.
TEST_CASE("when_any: the first task to end by throwing has its error rethrown") {
  ExpectNoLeaks no_leaks;
  const int alive_before = LifetimeCounter::alive;
  EventLoop loop(LoopOptions::virtual_time());
  const corolab::TimePoint start = loop.now();
  Log log;
  CHECK_THROWS_WITH(sync_wait(failure_wins(&log)), "fast failure");
  CHECK(loop.now() == start);
  CHECK(log == Log{"failing", "sleeper cancelled",
                   "caught fast failure, alive " + std::to_string(alive_before)});
}

// Losers that fail after the race was decided (because they were cancelled,
// or on their own) do not change the result; when_any still waits for them.
TEST_CASE("when_any: a loser failing after losing is ignored") {
  EventLoop loop(LoopOptions::virtual_time());
  const corolab::TimePoint start = loop.now();
  Log log;
  std::variant<int, int, int> winner{std::in_place_index<2>, -1};
  sync_wait(losers_fail_after_losing(&log, &winner));
  CHECK(loop.now() == start);
  REQUIRE(winner.index() == 0);
  CHECK(std::get<0>(winner) == 1);
  CHECK(log == Log{"cancelled loser fails", "late loser fails", "returned"});
}

// The range form says which task won, and what it returned.
TEST_CASE("when_any over a vector returns the winner's index and value") {
  SECTION("Task<int>") {
    ExpectNoLeaks no_leaks;
    const int alive_before = LifetimeCounter::alive;
    Event never_set;
    Log log;
    WhenAnyResult<int> winner{99, -1};
    sync_wait(int_range(&never_set, &log, &winner));
    CHECK(winner.index == 2);
    CHECK(winner.value == 20);
    CHECK(sort_range(log, 0, 3) == Log{"0 cancelled", "1 cancelled", "3 cancelled",
                                       "returned, alive " + std::to_string(alive_before)});
  }
  SECTION("Task<void>") {
    Log log;
    std::size_t winner = 99;
    sync_wait(void_range(&log, &winner));
    CHECK(winner == 1);
    CHECK(log == Log{"1 done", "2 done", "0 done"});  // yields are not cancellable
  }
}

TEST_CASE("when_any over an empty vector throws std::invalid_argument") {
  CHECK_THROWS_AS(sync_wait(empty_range()), std::invalid_argument);
}
