// when_all: results of every type (values, void, references), the range
// form, real concurrency, failure propagation, and a thousand tasks.
#include "corolab/when_all.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>
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
using corolab::when_all;
using Log = std::vector<std::string>;
using namespace std::chrono_literals;

using test_helpers::yield_times;

namespace {

Task<int> int_after_yields(int value, int yields) {
  co_await yield_times(yields);
  co_return value;
}

Task<std::string> text_after_yields(std::string text, int yields) {
  co_await yield_times(yields);
  co_return text;
}

Task<void> log_after_yields(Log* log, std::string name, int yields) {
  co_await yield_times(yields);
  log->push_back(name);
}

Task<int&> element(std::vector<int>* numbers, std::size_t index) {
  co_await corolab::yield();
  co_return (*numbers)[index];
}

using Mixed = std::tuple<int, std::string, std::monostate, std::reference_wrapper<int>>;

Task<void> all_kinds_of_results(std::vector<int>* numbers, Log* log, Mixed* out) {
  Task<int> number = int_after_yields(42, 3);
  Task<std::string> text = text_after_yields("text", 1);
  Task<void> nothing = log_after_yields(log, "void task ran", 2);
  Task<int&> reference = element(numbers, 1);
  auto all = when_all(std::move(number), std::move(text), std::move(nothing), std::move(reference));
  static_assert(std::is_same_v<decltype(all), Task<Mixed>>);
  Mixed results = co_await std::move(all);
  *out = std::move(results);
}

Task<void> int_range(std::vector<int>* out) {
  std::vector<Task<int>> tasks;
  // Task i finishes after (5 - i) yields: in reverse order of the vector.
  for (int i = 0; i < 5; ++i) tasks.push_back(int_after_yields(i * 10, 5 - i));
  auto all = when_all(std::move(tasks));
  static_assert(std::is_same_v<decltype(all), Task<std::vector<int>>>);
  std::vector<int> results = co_await std::move(all);
  *out = std::move(results);
}

Task<void> void_range(Log* log) {
  std::vector<Task<void>> tasks;
  for (int i = 0; i < 3; ++i) tasks.push_back(log_after_yields(log, std::to_string(i), 3 - i));
  auto all = when_all(std::move(tasks));
  static_assert(std::is_same_v<decltype(all), Task<void>>);
  co_await std::move(all);
  log->push_back("all done");
}

Task<void> empty_range(std::size_t* size) {
  std::vector<Task<int>> tasks;
  auto all = when_all(std::move(tasks));
  std::vector<int> results = co_await std::move(all);
  *size = results.size();
}

Task<int> wait_for(Event* event) {
  co_await event->wait();
  co_return 1;
}

Task<int> set_event(Event* event) {
  co_await corolab::yield();
  event->set();
  co_return 2;
}

// Completes only if the two tasks run at the same time: the first waits for
// an event that only the second sets. (Run one after the other, they would
// deadlock, which sync_wait reports as an error.)
Task<void> waiter_and_setter(Event* event, int* sum) {
  Task<int> waiter = wait_for(event);
  Task<int> setter = set_event(event);
  auto both = when_all(std::move(waiter), std::move(setter));
  std::tuple<int, int> results = co_await std::move(both);
  *sum = std::get<0>(results) + std::get<1>(results);
}

// Sleeps for an hour unless cancelled; logs the cancellation and rethrows it.
Task<int> sleep_an_hour(Log* log) {
  LifetimeCounter in_frame;
  try {
    co_await corolab::sleep_for(1h);
  } catch (const OperationCancelled&) {
    log->push_back("sleeper cancelled");
    throw;
  }
  co_return 0;
}

Task<std::string> fail_after_yield(Log* log) {
  co_await corolab::yield();
  log->push_back("failing");
  throw std::runtime_error("boom");
  co_return "unreachable";
}

Task<void> one_fails(Log* log) {
  Task<int> sleeper = sleep_an_hour(log);
  Task<std::string> failure = fail_after_yield(log);
  auto all = when_all(std::move(sleeper), std::move(failure));
  try {
    co_await std::move(all);
  } catch (const std::runtime_error& e) {
    log->push_back(std::string("caught ") + e.what() + ", alive " +
                   std::to_string(LifetimeCounter::alive));
    throw;
  }
}

Task<void> thousand_waiters(Event* event, int count, long* sum) {
  std::vector<Task<int>> tasks;
  for (int i = 0; i < count; ++i) tasks.push_back(wait_for(event));
  tasks.push_back(set_event(event));
  auto all = when_all(std::move(tasks));
  std::vector<int> results = co_await std::move(all);
  *sum = std::accumulate(results.begin(), results.end(), 0L);
}

}  // namespace

// Each task contributes its result in argument order; void becomes
// std::monostate and a reference a std::reference_wrapper to the original.
TEST_CASE("variadic when_all returns every result, of every kind") {
  std::vector<int> numbers{10, 20, 30};
  Log log;
  Mixed results{0, "", {}, std::ref(numbers[0])};
  sync_wait(all_kinds_of_results(&numbers, &log, &results));
  CHECK(std::get<0>(results) == 42);
  CHECK(std::get<1>(results) == "text");
  CHECK(log == Log{"void task ran"});
  CHECK(&std::get<3>(results).get() == &numbers[1]);
}

// Results come back in the order of the input, not of completion.
TEST_CASE("when_all over a vector of tasks") {
  SECTION("Task<int> gives a vector of results in input order") {
    std::vector<int> results;
    sync_wait(int_range(&results));
    CHECK(results == std::vector<int>{0, 10, 20, 30, 40});
  }
  SECTION("Task<void> waits for all of them") {
    Log log;
    sync_wait(void_range(&log));
    CHECK(log == Log{"2", "1", "0", "all done"});
  }
  SECTION("an empty vector gives an empty result") {
    std::size_t size = 99;
    sync_wait(empty_range(&size));
    CHECK(size == 0);
  }
}

// A waits for an event only B sets: this completes only if they run
// concurrently.
TEST_CASE("when_all runs its tasks concurrently") {
  Event event;
  int sum = 0;
  sync_wait(waiter_and_setter(&event, &sum));
  CHECK(sum == 3);
}

// The failure cancels the other task (its one-hour sleep ends at once: on
// virtual time, the loop's clock has not moved) and is rethrown after the
// other task's frame is gone.
TEST_CASE("when one task fails, when_all cancels the others and rethrows") {
  ExpectNoLeaks no_leaks;
  const int alive_before = LifetimeCounter::alive;
  EventLoop loop(LoopOptions::virtual_time());
  const corolab::TimePoint start = loop.now();
  Log log;
  CHECK_THROWS_WITH(sync_wait(one_fails(&log)), "boom");
  CHECK(loop.now() == start);
  CHECK(log ==
        Log{"failing", "sleeper cancelled", "caught boom, alive " + std::to_string(alive_before)});
}

TEST_CASE("when_all over a thousand tasks") {
  Event event;
  long sum = 0;
  sync_wait(thousand_waiters(&event, 1000, &sum));
  CHECK(sum == 1000 + 2);
}
