// TaskGroup: join, concurrency of children, failure propagation (first
// failure cancels the siblings and is the one rethrown), cancellation of the
// joining task, cancel(), and children destroyed with their group.
// Tests with sleeps run on virtual time: a sleep takes no real time, and an
// hour-long sleep that must be cancelled is checked to end at once (the
// loop's clock has not moved), instead of hanging the test if it is not.
#include "corolab/task_group.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <utility>
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
using corolab::TaskGroup;
using corolab::TimePoint;
using Log = std::vector<std::string>;
using namespace std::chrono_literals;

using test_helpers::log_after_yields;
using test_helpers::sort_range;
using test_helpers::yield_times;

namespace {

struct JoinState {
  std::size_t running_after_spawn = 0;
  std::size_t running_after_join = 99;
  std::size_t log_size_at_join = 0;
};

Task<void> spawn_three_and_join(Log* log, JoinState* state) {
  TaskGroup group;
  group.spawn(log_after_yields(log, "A", 1));
  group.spawn(log_after_yields(log, "B", 5));
  group.spawn(log_after_yields(log, "C", 3));
  state->running_after_spawn = group.running();
  co_await group.join();
  state->running_after_join = group.running();
  state->log_size_at_join = log->size();
}

Task<void> count_with_yields(Log* log, std::string name, int count) {
  for (int i = 0; i < count; ++i) {
    log->push_back(name + std::to_string(i));
    co_await corolab::yield();
  }
}

Task<void> log_after_sleep(Log* log, std::string name, corolab::Duration duration) {
  co_await corolab::sleep_for(duration);
  log->push_back(name);
}

Task<void> two_counters(Log* log) {
  TaskGroup group;
  group.spawn(count_with_yields(log, "A", 3));
  group.spawn(count_with_yields(log, "B", 3));
  co_await group.join();
}

Task<void> sleeper_spawned_first(Log* log) {
  TaskGroup group;
  group.spawn(log_after_sleep(log, "slept 20ms", 20ms));
  group.spawn(log_after_sleep(log, "slept 0ms", 0ms));
  co_await group.join();
}

// Sleeps for an hour unless cancelled; logs the cancellation and rethrows it.
Task<void> sleep_an_hour(Log* log, std::string name) {
  LifetimeCounter in_frame;
  try {
    co_await corolab::sleep_for(1h);
  } catch (const OperationCancelled&) {
    log->push_back(name + " cancelled");
    throw;
  }
  log->push_back(name + " woke up");
}

Task<void> fail_after_yields(Log* log, std::string message, int yields) {
  co_await yield_times(yields);
  log->push_back(message + " thrown");
  throw std::runtime_error(message);
}

Task<void> sleeper_and_failure(Log* log) {
  TaskGroup group;
  group.spawn(sleep_an_hour(log, "sleeper"));
  group.spawn(fail_after_yields(log, "first", 1));
  co_await group.join();
}

// When cancelled, fails with an error of its own instead.
Task<void> fail_when_cancelled(Log* log) {
  bool cancelled = false;
  try {
    co_await corolab::sleep_for(1h);
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  if (cancelled) {
    log->push_back("second thrown");
    throw std::runtime_error("second");
  }
}

Task<void> three_failures(Log* log) {
  TaskGroup group;
  group.spawn(fail_after_yields(log, "first", 1));
  group.spawn(fail_when_cancelled(log));
  group.spawn(fail_after_yields(log, "third", 4));  // yields are not cancellable
  co_await group.join();
}

Task<void> fail_at_once(Log* log) {
  log->push_back("failed");
  throw std::runtime_error("failed before join");
  co_return;
}

Task<void> join_long_after_the_failure(Log* log) {
  TaskGroup group;
  group.spawn(fail_at_once(log));
  co_await yield_times(3);
  log->push_back("joining, running " + std::to_string(group.running()));
  co_await group.join();
}

// When cancelled, takes one more tick to clean up, then ends cancelled.
Task<void> sleep_then_clean_up(Log* log, std::string name) {
  bool cancelled = false;
  try {
    co_await corolab::sleep_for(1h);
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  if (cancelled) {
    co_await corolab::yield();
    log->push_back(name + " cleaned up");
    throw OperationCancelled();
  }
}

Task<void> join_two_sleepers(Log* log) {
  TaskGroup group;
  group.spawn(sleep_then_clean_up(log, "A"));
  group.spawn(sleep_then_clean_up(log, "B"));
  try {
    co_await group.join();
  } catch (const OperationCancelled&) {
    log->push_back("join threw OperationCancelled, running " + std::to_string(group.running()));
    throw;
  }
  log->push_back("join returned");
}

Task<void> request_stop_after_yields(std::stop_source* source, Log* log, int yields) {
  co_await yield_times(yields);
  log->push_back("stop");
  source->request_stop();
}

// The joiner runs under a token of its own; another task requests the stop.
Task<void> cancel_the_joiner(Log* log) {
  std::stop_source source;
  TaskGroup helpers;
  helpers.spawn(request_stop_after_yields(&source, log, 2));
  Task<void> joiner = join_two_sleepers(log);
  joiner.set_stop_token(source.get_token());
  try {
    co_await std::move(joiner);
  } catch (const OperationCancelled&) {
    log->push_back("joiner cancelled");
  }
  co_await helpers.join();
}

Task<void> wait_forever(Event* never_set, int* started) {
  LifetimeCounter in_frame;
  ++*started;
  co_await never_set->wait();
}

Task<void> sleep_forever(int* started) {
  LifetimeCounter in_frame;
  ++*started;
  co_await corolab::sleep_for(1h);
}

Task<void> child_with_grandchildren(Event* never_set, int* started) {
  LifetimeCounter in_frame;
  TaskGroup grandchildren;
  grandchildren.spawn(wait_forever(never_set, started));
  grandchildren.spawn(sleep_forever(started));
  ++*started;
  co_await grandchildren.join();
}

Task<void> spawn_children_then_throw(Event* never_set, int* started, int* alive_at_throw) {
  TaskGroup group;
  group.spawn(wait_forever(never_set, started));
  group.spawn(sleep_forever(started));
  group.spawn(child_with_grandchildren(never_set, started));
  co_await yield_times(3);  // children and grandchildren are all suspended now
  *alive_at_throw = LifetimeCounter::alive;
  throw std::runtime_error("leaving before join");
}

Task<void> log_done(Log* log, std::string name) {
  log->push_back(name + " done");
  co_return;
}

Task<void> cancel_then_join(Log* log) {
  TaskGroup group;
  group.spawn(sleep_an_hour(log, "A"));
  group.spawn(sleep_an_hour(log, "B"));
  group.spawn(log_done(log, "C"));
  co_await corolab::yield();  // the children start
  log->push_back("cancel");
  group.cancel();
  group.spawn(sleep_an_hour(log, "late"));  // spawned after cancel(): cancelled at once
  co_await group.join();
  log->push_back("join returned");
}

Task<void> join_empty_group_then_log(Log* log) {
  TaskGroup outer;
  outer.spawn(log_done(log, "other"));
  TaskGroup empty;
  co_await empty.join();
  log->push_back("joined");
  co_await outer.join();
}

}  // namespace

// join() resumes only after the last child ended.
TEST_CASE("join() waits for all children") {
  Log log;
  JoinState state;
  sync_wait(spawn_three_and_join(&log, &state));
  CHECK(state.running_after_spawn == 3);
  CHECK(state.running_after_join == 0);
  CHECK(state.log_size_at_join == 3);
  CHECK(log == Log{"A done", "C done", "B done"});
}

// Children take turns at each suspension point, and a child that sleeps does
// not hold up the others.
TEST_CASE("children run concurrently") {
  Log log;
  SECTION("interleaving at yields") {
    sync_wait(two_counters(&log));
    CHECK(log == Log{"A0", "B0", "A1", "B1", "A2", "B2"});
  }
  SECTION("a sleeping child does not block the others") {
    EventLoop loop(LoopOptions::virtual_time());
    const TimePoint start = loop.now();
    sync_wait(sleeper_spawned_first(&log));
    CHECK(log == Log{"slept 0ms", "slept 20ms"});
    CHECK(loop.now() == start + 20ms);
  }
}

// The first child to fail cancels its siblings (a one-hour sleep ends at
// once) and join() rethrows that failure once every child has ended.
TEST_CASE("the first failure cancels the siblings and is rethrown by join()") {
  ExpectNoLeaks no_leaks;
  EventLoop loop(LoopOptions::virtual_time());
  const TimePoint start = loop.now();
  Log log;
  CHECK_THROWS_WITH(sync_wait(sleeper_and_failure(&log)), "first");
  CHECK(log == Log{"first thrown", "sleeper cancelled"});
  CHECK(loop.now() == start);
}

// Later failures (one caused by the cancellation, one independent) do not
// replace the first.
TEST_CASE("join() rethrows the first failure, not a later one") {
  EventLoop loop(LoopOptions::virtual_time());
  const TimePoint start = loop.now();
  Log log;
  CHECK_THROWS_WITH(sync_wait(three_failures(&log)), "first");
  CHECK(log == Log{"first thrown", "second thrown", "third thrown"});
  CHECK(loop.now() == start);
}

Task<void> three_failures_kept(Log* log, std::vector<TaskGroup::Failure>* failures) {
  TaskGroup group;
  group.spawn(fail_after_yields(log, "first", 1), "one");
  group.spawn(fail_when_cancelled(log), "two");
  group.spawn(fail_after_yields(log, "third", 4), "three");
  group.spawn(sleep_an_hour(log, "sleeper"), "four");  // cancelled: not a failure
  try {
    co_await group.join();
  } catch (const std::runtime_error&) {
  }
  *failures = group.failures();
}

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(not a std::exception)";
}

// Every failure is kept, named by its child, in the order they happened (as
// Python's ExceptionGroup keeps them all); the first is the one join() threw.
TEST_CASE("failures() keeps every failure with its child's name, the first one first") {
  ExpectNoLeaks no_leaks;
  EventLoop loop(LoopOptions::virtual_time());
  Log log;
  std::vector<TaskGroup::Failure> failures;
  sync_wait(three_failures_kept(&log, &failures));
  CHECK(std::count(log.begin(), log.end(), "sleeper cancelled") == 1);
  REQUIRE(failures.size() == 3);
  CHECK(failures[0].child == "one");
  CHECK(message_of(failures[0].error) == "first");
  CHECK(failures[1].child == "two");
  CHECK(failures[2].child == "three");
  CHECK(message_of(failures[2].error) == "third");
}

// A failure recorded before join() is awaited is still rethrown.
TEST_CASE("join() rethrows a failure that happened before it was awaited") {
  Log log;
  CHECK_THROWS_WITH(sync_wait(join_long_after_the_failure(&log)), "failed before join");
  CHECK(log == Log{"failed", "joining, running 0"});
}

// Cancelling the task awaiting join() cancels the children; join() waits for
// them to finish cleaning up and then throws OperationCancelled.
TEST_CASE("cancelling the joining task cancels the children, then join() throws") {
  EventLoop loop(LoopOptions::virtual_time());
  const TimePoint start = loop.now();
  Log log;
  sync_wait(cancel_the_joiner(&log));
  CHECK(sort_range(log, 1, 3) == Log{"stop", "A cleaned up", "B cleaned up",
                                     "join threw OperationCancelled, running 0",
                                     "joiner cancelled"});
  CHECK(loop.now() == start);
}

// A group that goes out of scope (here by an exception, before join()) takes
// its running children and their own groups' children with it: every frame
// is destroyed once, and they leave the event's list and the timer heap.
TEST_CASE("destroying a group destroys its running children") {
  ExpectNoLeaks no_leaks;
  const int alive_before = LifetimeCounter::alive;
  Event never_set;
  int started = 0;
  int alive_at_throw = 0;
  EventLoop loop(LoopOptions::virtual_time());
  const TimePoint start = loop.now();
  CHECK_THROWS_WITH(sync_wait(spawn_children_then_throw(&never_set, &started, &alive_at_throw)),
                    "leaving before join");
  CHECK(started == 5);
  CHECK(alive_at_throw == alive_before + 5);
  CHECK(LifetimeCounter::alive == alive_before);
  never_set.set();  // the destroyed waiter is no longer on the list
  loop.run();       // returns at once: no timer of a destroyed sleeper is left
  CHECK(loop.now() == start);
}

// cancel() stops the children; join() then returns normally, because the
// children did what they were told.
TEST_CASE("cancel() stops the children and join() returns normally") {
  ExpectNoLeaks no_leaks;
  EventLoop loop(LoopOptions::virtual_time());
  const TimePoint start = loop.now();
  Log log;
  sync_wait(cancel_then_join(&log));
  CHECK(sort_range(log, 2, 4) ==
        Log{"C done", "cancel", "A cancelled", "B cancelled", "late cancelled", "join returned"});
  CHECK(loop.now() == start);
}

// With no children, join() does not suspend: "joined" comes before the
// other task even gets to start.
TEST_CASE("join() with no children completes at once") {
  TaskGroup group;
  CHECK(group.running() == 0);
  CHECK(group.join().await_ready());
  sync_wait(group.join());
  Log log;
  sync_wait(join_empty_group_then_log(&log));
  CHECK(log == Log{"joined", "other done"});
}
