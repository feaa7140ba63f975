// Event: waking, FIFO order, reset, cancellation (and its race with set()),
// and waiters whose tasks are destroyed while they are suspended.
#include "corolab/event.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "async_test_helpers.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task.hpp"
#include "corolab/task_group.hpp"
#include "corolab/yield.hpp"
#include "lifetime_counter.hpp"

using corolab::Event;
using corolab::EventLoop;
using corolab::OperationCancelled;
using corolab::sync_wait;
using corolab::Task;
using corolab::TaskGroup;
using Log = std::vector<std::string>;

using test_helpers::under_token;
using test_helpers::yield_times;

namespace {

// Yields `yields_first` times, then waits; logs how the wait ended.
Task<void> wait_and_log(Event* event, Log* log, std::string name, int yields_first) {
  co_await yield_times(yields_first);
  log->push_back(name + " waits");
  bool cancelled = false;
  try {
    co_await event->wait();
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  log->push_back(name + (cancelled ? " cancelled" : " woken"));
}

Task<void> set_after_yields(Event* event, Log* log, int yields) {
  co_await yield_times(yields);
  log->push_back("set");
  event->set();
}

Task<void> log_name(Log* log, std::string name) {
  log->push_back(std::move(name));
  co_return;
}

Task<void> one_waiter_one_setter(Event* event, Log* log) {
  TaskGroup group;
  group.spawn(wait_and_log(event, log, "A", 0));
  group.spawn(set_after_yields(event, log, 3));
  co_await group.join();
}

Task<void> wait_on_set_event_then_log(Event* event, Log* log) {
  TaskGroup group;
  group.spawn(wait_and_log(event, log, "A", 0));
  group.spawn(log_name(log, "B"));
  co_await group.join();
}

// Waiter i starts waiting after (6 - i) yields: they queue up as 5, 4, 3, 2, 1.
Task<void> five_waiters_in_reverse_order(Event* event, Log* log) {
  TaskGroup group;
  for (int i = 1; i <= 5; ++i) group.spawn(wait_and_log(event, log, std::to_string(i), 6 - i));
  group.spawn(set_after_yields(event, log, 10));
  co_await group.join();
}

Task<void> set_and_reset_after_yields(Event* event, Log* log, int yields) {
  co_await yield_times(yields);
  log->push_back("set+reset");
  event->set();
  event->reset();
}

Task<void> waiter_then_set_and_reset(Event* event, Log* log) {
  TaskGroup group;
  group.spawn(wait_and_log(event, log, "A", 0));
  group.spawn(set_and_reset_after_yields(event, log, 2));
  co_await group.join();
}

Task<void> request_stop_after_yields(std::stop_source* source, Log* log, int yields) {
  co_await yield_times(yields);
  log->push_back("stop");
  source->request_stop();
}

Task<void> cancel_the_middle_waiter(Event* event, Log* log) {
  std::stop_source source;
  TaskGroup group;
  group.spawn(wait_and_log(event, log, "A", 0));
  group.spawn(under_token(wait_and_log(event, log, "B", 0), source.get_token()));
  group.spawn(wait_and_log(event, log, "C", 0));
  group.spawn(request_stop_after_yields(&source, log, 2));
  group.spawn(set_after_yields(event, log, 4));
  co_await group.join();
}

Task<void> set_then_stop(Event* event, std::stop_source* source) {
  co_await corolab::yield();
  event->set();
  source->request_stop();
}

Task<void> stop_then_set(Event* event, std::stop_source* source) {
  co_await corolab::yield();
  source->request_stop();
  event->set();
}

Task<void> race_set_and_stop(Event* event, Log* log, bool set_first) {
  std::stop_source source;
  TaskGroup group;
  group.spawn(under_token(wait_and_log(event, log, "A", 0), source.get_token()));
  if (set_first) {
    group.spawn(set_then_stop(event, &source));
  } else {
    group.spawn(stop_then_set(event, &source));
  }
  co_await group.join();
}

Task<void> wait_counted(Event* event, int* started, int* resumed) {
  LifetimeCounter in_frame;
  ++*started;
  co_await event->wait();
  ++*resumed;
}

Task<void> stop_loop(EventLoop* loop) {
  co_await corolab::yield();
  loop->stop();
}

Task<void> spawn_waiters_then_throw(Event* event, int* started, int* resumed) {
  TaskGroup group;
  group.spawn(wait_counted(event, started, resumed));
  group.spawn(wait_counted(event, started, resumed));
  co_await corolab::yield();  // the children start and suspend on the event
  throw std::runtime_error("leaving the group's scope");
}

}  // namespace

// A waiter stays suspended until set() and resumes only after it.
TEST_CASE("a waiter suspends until set() and resumes after it") {
  Event event;
  Log log;
  CHECK_FALSE(event.is_set());
  sync_wait(one_waiter_one_setter(&event, &log));
  CHECK(log == Log{"A waits", "set", "A woken"});
  CHECK(event.is_set());
}

// Waiting on a set event does not suspend: the waiter runs on before B.
TEST_CASE("waiting on an event that is already set completes at once") {
  Event event;
  CHECK_FALSE(event.wait().await_ready());
  event.set();
  CHECK(event.wait().await_ready());
  Log log;
  sync_wait(wait_on_set_event_then_log(&event, &log));
  CHECK(log == Log{"A waits", "A woken", "B"});
  sync_wait(event.wait());  // and from outside any task
}

// set() wakes every waiter, in the order they started waiting (which here is
// the reverse of the order they were spawned in).
TEST_CASE("set() wakes all waiters in FIFO order") {
  Event event;
  Log log;
  sync_wait(five_waiters_in_reverse_order(&event, &log));
  CHECK(log == Log{"5 waits", "4 waits", "3 waits", "2 waits", "1 waits", "set",  //
                   "5 woken", "4 woken", "3 woken", "2 woken", "1 woken"});
}

// reset() clears the flag for future waiters, but does not take back the
// wake-ups set() already handed out.
TEST_CASE("reset() makes later waiters wait again") {
  Event event;
  event.set();
  event.reset();
  CHECK_FALSE(event.is_set());
  CHECK_FALSE(event.wait().await_ready());

  Log log;
  sync_wait(waiter_then_set_and_reset(&event, &log));
  CHECK(log == Log{"A waits", "set+reset", "A woken"});
  CHECK_FALSE(event.is_set());

  log.clear();
  sync_wait(one_waiter_one_setter(&event, &log));
  CHECK(log == Log{"A waits", "set", "A woken"});
}

// A stop request ends one wait with OperationCancelled; the others still
// wait and are woken by set() in their original order.
TEST_CASE("cancelling a waiter throws OperationCancelled and leaves the other waiters intact") {
  Event event;
  Log log;
  sync_wait(cancel_the_middle_waiter(&event, &log));
  CHECK(log ==
        Log{"A waits", "B waits", "C waits", "stop", "B cancelled", "set", "A woken", "C woken"});
}

// A stop requested before the wait: cancelled unless the event is already set.
TEST_CASE("a stop requested before waiting cancels the wait unless the event is set") {
  std::stop_source source;
  source.request_stop();
  Event event;
  Log log;
  sync_wait(under_token(wait_and_log(&event, &log, "A", 0), source.get_token()));
  event.set();
  sync_wait(under_token(wait_and_log(&event, &log, "B", 0), source.get_token()));
  CHECK(log == Log{"A waits", "A cancelled", "B waits", "B woken"});
}

// A waiter is woken once: whichever of set() and the stop request comes first
// in the same tick decides how the wait ends.
TEST_CASE("set() and a stop request in the same tick: the first one wins") {
  Event event;
  Log log;
  SECTION("set() first: the wait completes normally") {
    sync_wait(race_set_and_stop(&event, &log, true));
    CHECK(log == Log{"A waits", "A woken"});
  }
  SECTION("stop first: the wait is cancelled") {
    sync_wait(race_set_and_stop(&event, &log, false));
    CHECK(log == Log{"A waits", "A cancelled"});
  }
}

// Destroying a suspended waiter's frame takes it off the event's list, so a
// later set() touches no freed memory (ASan would report it) and the event
// keeps working.
TEST_CASE("a waiter whose task is destroyed leaves the event's waiting list") {
  ExpectNoLeaks no_leaks;
  Event event;
  int started = 0;
  int resumed = 0;

  SECTION("destroyed with the loop that owned it") {
    {
      EventLoop loop;
      loop.spawn(wait_counted(&event, &started, &resumed));
      loop.spawn(wait_counted(&event, &started, &resumed));
      loop.spawn(stop_loop(&loop));
      loop.run();
      CHECK(started == 2);
      CHECK(loop.spawned_task_count() == 2);
    }
    event.set();
    CHECK(resumed == 0);
  }
  SECTION("destroyed with the TaskGroup that owned it") {
    EventLoop loop;
    CHECK_THROWS_WITH(sync_wait(spawn_waiters_then_throw(&event, &started, &resumed)),
                      "leaving the group's scope");
    CHECK(started == 2);
    event.set();
    sync_wait(corolab::yield());
    CHECK(resumed == 0);
  }

  // The list is still sound: a new waiter is woken as usual.
  event.reset();
  Log log;
  sync_wait(one_waiter_one_setter(&event, &log));
  CHECK(log == Log{"A waits", "set", "A woken"});
}
