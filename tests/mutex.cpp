// Mutex: mutual exclusion across suspension points, the scoped Guard (also
// when an exception leaves the scope), try_lock / is_locked, and a lock
// handed to a waiter that is destroyed before it resumes.
#include "corolab/mutex.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "async_test_helpers.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task.hpp"
#include "corolab/task_group.hpp"
#include "corolab/yield.hpp"
#include "lifetime_counter.hpp"

using corolab::Mutex;
using corolab::OperationCancelled;
using corolab::sync_wait;
using corolab::Task;
using corolab::TaskGroup;
using Log = std::vector<std::string>;

using test_helpers::under_token;

namespace {

struct Shared {
  int counter = 0;
  bool inside = false;
  bool overlapped = false;
};

// A read-modify-write with a suspension in the middle: without the mutex the
// tasks would interleave and lose updates.
Task<void> increment_slowly(Mutex* mutex, Shared* shared, int times) {
  for (int i = 0; i < times; ++i) {
    auto guard = co_await mutex->lock();
    if (shared->inside) shared->overlapped = true;
    shared->inside = true;
    const int value = shared->counter;
    co_await corolab::yield();
    shared->counter = value + 1;
    shared->inside = false;
  }
}

Task<void> many_incrementers(Mutex* mutex, Shared* shared, int tasks, int times) {
  TaskGroup group;
  for (int i = 0; i < tasks; ++i) group.spawn(increment_slowly(mutex, shared, times));
  co_await group.join();
}

struct LockStates {
  bool inside_scope = false;
  bool after_scope = true;
};

Task<void> lock_in_a_scope(Mutex* mutex, LockStates* states) {
  {
    auto guard = co_await mutex->lock();
    states->inside_scope = mutex->is_locked();
  }
  states->after_scope = mutex->is_locked();
}

Task<void> throw_while_locked(Mutex* mutex) {
  auto guard = co_await mutex->lock();
  co_await corolab::yield();  // let the other task queue up on the mutex
  throw std::runtime_error("thrown while holding the lock");
}

Task<void> lock_and_log(Mutex* mutex, Log* log, std::string name) {
  bool cancelled = false;
  try {
    auto guard = co_await mutex->lock();
    log->push_back(name + " locked");
    co_await corolab::yield();
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  if (cancelled) log->push_back(name + " cancelled");
}

// "B" queues on the mutex while "A" (awaited directly) holds it and throws.
Task<void> waiter_behind_a_thrower(Mutex* mutex, Log* log) {
  TaskGroup group;
  group.spawn(lock_and_log(mutex, log, "B"));
  try {
    co_await throw_while_locked(mutex);
  } catch (const std::runtime_error& e) {
    log->push_back(std::string("A threw: ") + e.what());
  }
  co_await group.join();
}

struct TryLockStates {
  bool while_held = true;
  bool after_release = false;
};

Task<void> try_lock_while_another_task_holds_it(Mutex* mutex, TryLockStates* states) {
  Log log;
  TaskGroup group;
  group.spawn(lock_and_log(mutex, &log, "holder"));
  co_await corolab::yield();  // the holder locks and suspends, holding the lock
  states->while_held = mutex->try_lock();
  co_await group.join();
  states->after_release = mutex->try_lock();
  mutex->unlock();
}

Task<void> stop_after_yield(std::stop_source* source) {
  co_await corolab::yield();
  source->request_stop();
}

Task<void> unlock_after_yields(Mutex* mutex, int yields) {
  for (int i = 0; i < yields; ++i) co_await corolab::yield();
  mutex->unlock();
}

// The caller holds the lock; "A" (cancellable) and "B" queue up, A is
// cancelled, then the lock is released.
Task<void> cancel_a_waiting_locker(Mutex* mutex, Log* log) {
  std::stop_source source;
  TaskGroup group;
  group.spawn(under_token(lock_and_log(mutex, log, "A"), source.get_token()));
  group.spawn(lock_and_log(mutex, log, "B"));
  group.spawn(stop_after_yield(&source));
  group.spawn(unlock_after_yields(mutex, 3));
  co_await group.join();
}

Task<void> lock_counted(Mutex* mutex, int* locked) {
  LifetimeCounter in_frame;
  auto guard = co_await mutex->lock();
  ++*locked;
}

// The caller holds the lock. Hands it to a queued child, then leaves the
// group's scope by an exception in the same tick.
Task<void> unlock_to_child_then_throw(Mutex* mutex, int* locked) {
  TaskGroup group;
  group.spawn(lock_counted(mutex, locked));
  co_await corolab::yield();  // the child is queued on the mutex
  mutex->unlock();            // hands the lock to the child
  throw std::runtime_error("leaving the group's scope");
}

}  // namespace

// Ten tasks each increment a counter twenty times, suspending in the middle
// of each increment: no two are ever inside together and no update is lost.
TEST_CASE("a mutex excludes other tasks across co_await") {
  Mutex mutex;
  Shared shared;
  sync_wait(many_incrementers(&mutex, &shared, 10, 20));
  CHECK_FALSE(shared.overlapped);
  CHECK(shared.counter == 200);
  CHECK_FALSE(mutex.is_locked());
}

// The guard holds the lock for its scope and releases it at scope exit.
TEST_CASE("the guard unlocks the mutex at the end of its scope") {
  Mutex mutex;
  LockStates states;
  sync_wait(lock_in_a_scope(&mutex, &states));
  CHECK(states.inside_scope);
  CHECK_FALSE(states.after_scope);
}

// An exception leaving the guard's scope unlocks the mutex, and a task queued
// behind gets the lock.
TEST_CASE("the guard unlocks the mutex when an exception leaves its scope") {
  Mutex mutex;
  SECTION("alone") {
    CHECK_THROWS_WITH(sync_wait(throw_while_locked(&mutex)), "thrown while holding the lock");
    CHECK_FALSE(mutex.is_locked());
  }
  SECTION("with a task waiting for the lock") {
    Log log;
    sync_wait(waiter_behind_a_thrower(&mutex, &log));
    CHECK(log == Log{"A threw: thrown while holding the lock", "B locked"});
    CHECK_FALSE(mutex.is_locked());
  }
}

TEST_CASE("try_lock and is_locked") {
  Mutex mutex;
  CHECK_FALSE(mutex.is_locked());
  CHECK(mutex.try_lock());
  CHECK(mutex.is_locked());
  CHECK_FALSE(mutex.try_lock());
  mutex.unlock();
  CHECK_FALSE(mutex.is_locked());

  // try_lock fails while a task holds the lock across a suspension.
  TryLockStates states;
  sync_wait(try_lock_while_another_task_holds_it(&mutex, &states));
  CHECK_FALSE(states.while_held);
  CHECK(states.after_release);
  CHECK_FALSE(mutex.is_locked());
}

// A cancelled locker never gets the lock and does not keep it from the next.
TEST_CASE("cancelling a task waiting for the lock leaves the mutex usable") {
  Mutex mutex;
  REQUIRE(mutex.try_lock());
  Log log;
  sync_wait(cancel_a_waiting_locker(&mutex, &log));
  CHECK(log == Log{"A cancelled", "B locked"});
  CHECK_FALSE(mutex.is_locked());
}

// A locker handed the lock but destroyed before it resumed unlocks it.
TEST_CASE("a woken locker destroyed before it resumes releases the lock") {
  ExpectNoLeaks no_leaks;
  Mutex mutex;
  REQUIRE(mutex.try_lock());
  int locked = 0;
  CHECK_THROWS_WITH(sync_wait(unlock_to_child_then_throw(&mutex, &locked)),
                    "leaving the group's scope");
  CHECK(locked == 0);
  CHECK_FALSE(mutex.is_locked());
}
