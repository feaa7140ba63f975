// when_any: the first task to end decides (value or exception); the losers
// are cancelled and awaited before when_any returns (even one that is slow
// to stop), and whatever they do after losing, in the same round or later,
// is ignored. A cancelled caller cancels every racer. Also the range form
// (each position can win), move-only results, and the empty-range error.
// Races with an hour-long sleeper run on virtual time, and check that the
// loop's clock has not moved: the sleep ended at once, cancelled.
#include "corolab/when_any.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <stop_token>
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
#include "corolab/task_group.hpp"
#include "corolab/yield.hpp"
#include "lifetime_counter.hpp"

using corolab::Event;
using corolab::EventLoop;
using corolab::LoopOptions;
using corolab::OperationCancelled;
using corolab::sync_wait;
using corolab::Task;
using corolab::TaskGroup;
using corolab::when_any;
using corolab::WhenAnyResult;
using Log = std::vector<std::string>;
using namespace std::chrono_literals;

using test_helpers::log_after_yields;
using test_helpers::slow_to_stop;
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

Task<int> throw_after_yield(std::string message) {
  co_await corolab::yield();
  throw std::runtime_error(message);
  co_return 0;
}

// Three racers that all end in the same round of the loop, in this order:
// the first decides, with a value; the second's value and the third's
// error come too late to change that.
Task<void> three_end_together(std::variant<int, int, int>* winner) {
  Task<int> first = int_after_yields(1, 1);
  Task<int> second = int_after_yields(2, 1);
  Task<int> third = throw_after_yield("too late to count");
  auto race = when_any(std::move(first), std::move(second), std::move(third));
  *winner = co_await std::move(race);
}

// The same round, the other way round: an error first, then a value.
Task<void> error_then_value(std::variant<int, int>* winner) {
  Task<int> first = throw_after_yield("first, by throwing");
  Task<int> second = int_after_yields(2, 1);
  auto race = when_any(std::move(first), std::move(second));
  *winner = co_await std::move(race);
}

// The winner ends at once; the loser takes 30 ms to stop.
Task<void> loser_slow_to_stop(Log* log, std::variant<int, int>* winner) {
  Task<int> fast = int_after_yields(5, 1);
  Task<int> slow = slow_to_stop(log, "loser", 30ms);
  auto race = when_any(std::move(fast), std::move(slow));
  *winner = co_await std::move(race);
  log->push_back("returned");
}

Task<void> race_of_two_waiters(Event* set_too_late, Log* log) {
  Task<int> a = wait_forever(set_too_late, log, "A");
  Task<std::string> b = sleep_an_hour(log, "B");
  auto race = when_any(std::move(a), std::move(b));
  bool cancelled = false;
  try {
    co_await std::move(race);
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  if (cancelled) {
    log->push_back("when_any cancelled, alive " + std::to_string(LifetimeCounter::alive));
    throw OperationCancelled();
  }
}

// Stops the caller; a few rounds later, sets the event racer A waits for.
// A when_any that passes the stop on has cancelled A by then, and set()
// wakes nobody; one that does not, ends (with A's value, and the test
// fails) instead of running forever.
Task<void> stop_then_set(std::stop_source* source, Event* set_too_late) {
  co_await corolab::yield();
  source->request_stop();
  co_await yield_times(3);
  set_too_late->set();
}

// Cancels the task that awaits when_any, while both racers wait.
Task<void> cancel_the_caller(Event* set_too_late, Log* log) {
  std::stop_source stop;
  Task<void> racing = race_of_two_waiters(set_too_late, log);
  racing.set_stop_token(stop.get_token());
  TaskGroup stopper;
  stopper.spawn(stop_then_set(&stop, set_too_late));
  bool cancelled = false;
  try {
    co_await std::move(racing);
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  co_await stopper.join();
  if (cancelled) log->push_back("caller cancelled");
}

// Four tasks; the one at `position` ends first (with 10 * position), the
// others wait until they are cancelled.
Task<void> position_wins(Event* never_set, Log* log, std::size_t position,
                         WhenAnyResult<int>* winner) {
  std::vector<Task<int>> tasks;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i == position) {
      tasks.push_back(int_after_yields(10 * static_cast<int>(i), 1));
    } else {
      tasks.push_back(wait_forever(never_set, log, std::to_string(i)));
    }
  }
  auto race = when_any(std::move(tasks));
  *winner = co_await std::move(race);
}

Task<void> range_failure_wins(Event* never_set, Log* log) {
  std::vector<Task<int>> tasks;
  tasks.push_back(wait_forever(never_set, log, "0"));
  tasks.push_back(fail_after_yield(log));
  tasks.push_back(wait_forever(never_set, log, "2"));
  auto race = when_any(std::move(tasks));
  co_await std::move(race);
}

Task<std::unique_ptr<int>> boxed_after_yields(int value, int yields) {
  co_await yield_times(yields);
  co_return std::make_unique<int>(value);
}

Task<void> move_only_results(int* from_two, int* from_range) {
  auto two = when_any(boxed_after_yields(3, 2), boxed_after_yields(4, 1));
  std::variant<std::unique_ptr<int>, std::unique_ptr<int>> first = co_await std::move(two);
  *from_two = *std::get<1>(first);
  std::vector<Task<std::unique_ptr<int>>> tasks;
  tasks.push_back(boxed_after_yields(5, 1));
  tasks.push_back(boxed_after_yields(6, 2));
  auto range = when_any(std::move(tasks));
  WhenAnyResult<std::unique_ptr<int>> result = co_await std::move(range);
  *from_range = *result.value;
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

// All three end in the same round: the first to end is the winner, and
// neither a later value nor a later error replaces it. An error can win the
// same way.
TEST_CASE("when_any: racers that end in the same round as the winner do not replace it") {
  SECTION("a value first") {
    std::variant<int, int, int> winner{std::in_place_index<2>, -1};
    sync_wait(three_end_together(&winner));
    REQUIRE(winner.index() == 0);
    CHECK(std::get<0>(winner) == 1);
  }
  SECTION("an error first") {
    std::variant<int, int> winner{std::in_place_index<1>, -1};
    CHECK_THROWS_WITH(sync_wait(error_then_value(&winner)), "first, by throwing");
    CHECK(winner.index() == 1);  // untouched: when_any threw
  }
}

// Structured: when_any returns only once every loser has ended, however
// long a loser takes to stop. Here the loser's tidying up takes 30 ms (of
// virtual time), and when_any returns after it.
TEST_CASE("when_any: a loser that is slow to stop delays the return") {
  EventLoop loop(LoopOptions::virtual_time());
  const corolab::TimePoint start = loop.now();
  Log log;
  std::variant<int, int> winner{std::in_place_index<1>, -1};
  sync_wait(loser_slow_to_stop(&log, &winner));
  REQUIRE(winner.index() == 0);
  CHECK(std::get<0>(winner) == 5);
  CHECK(log == Log{"loser tidying up", "loser tidied up", "returned"});
  CHECK(loop.now() - start == 30ms);
}

// A stop request for the task that awaits when_any reaches every racer;
// when_any throws OperationCancelled once they have all ended (and their
// frames are gone).
TEST_CASE("when_any: cancelling the caller cancels every racer, and awaits them") {
  ExpectNoLeaks no_leaks;
  const int alive_before = LifetimeCounter::alive;
  EventLoop loop(LoopOptions::virtual_time());
  const corolab::TimePoint start = loop.now();
  Event set_too_late;
  Log log;
  sync_wait(cancel_the_caller(&set_too_late, &log));
  CHECK(loop.now() == start);
  CHECK(sort_range(log, 0, 2) == Log{"A cancelled", "B cancelled",
                                     "when_any cancelled, alive " + std::to_string(alive_before),
                                     "caller cancelled"});
}

// Whichever position ends first, its index (and its value) comes back, and
// the three others are cancelled.
TEST_CASE("when_any over a vector: whichever task wins, its own index comes back") {
  const std::size_t position = GENERATE(as<std::size_t>{}, 0, 1, 2, 3);
  Event never_set;
  Log log;
  WhenAnyResult<int> winner{99, -1};
  sync_wait(position_wins(&never_set, &log, position, &winner));
  CHECK(winner.index == position);
  CHECK(winner.value == 10 * static_cast<int>(position));
  CHECK(log.size() == 3);  // the three others, cancelled
}

TEST_CASE("when_any over a vector: the first task to end by throwing has its error rethrown") {
  ExpectNoLeaks no_leaks;
  Event never_set;
  Log log;
  CHECK_THROWS_WITH(sync_wait(range_failure_wins(&never_set, &log)), "fast failure");
  CHECK(sort_range(log, 1, 3) == Log{"failing", "0 cancelled", "2 cancelled"});
}

// The winner's value is moved to the caller, never copied.
TEST_CASE("when_any: move-only results") {
  int from_two = 0;
  int from_range = 0;
  sync_wait(move_only_results(&from_two, &from_range));
  CHECK(from_two == 4);
  CHECK(from_range == 5);
}

TEST_CASE("when_any over an empty vector throws std::invalid_argument") {
  CHECK_THROWS_AS(sync_wait(empty_range()), std::invalid_argument);
}
