// Semaphore: the concurrency limit, FIFO hand-off of permits, and permits
// that survive cancellation and destroyed waiters (neither lost nor doubled).
#include "corolab/semaphore.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
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

using corolab::EventLoop;
using corolab::OperationCancelled;
using corolab::Semaphore;
using corolab::sync_wait;
using corolab::Task;
using corolab::TaskGroup;
using Log = std::vector<std::string>;

using test_helpers::under_token;
using test_helpers::yield_times;

namespace {

struct Occupancy {
  int inside = 0;
  int max_inside = 0;
  int finished = 0;
};

Task<void> use_a_permit(Semaphore* semaphore, Occupancy* occupancy) {
  co_await semaphore->acquire();
  ++occupancy->inside;
  occupancy->max_inside = std::max(occupancy->max_inside, occupancy->inside);
  co_await yield_times(3);
  --occupancy->inside;
  ++occupancy->finished;
  semaphore->release();
}

Task<void> many_users(Semaphore* semaphore, Occupancy* occupancy, int users) {
  TaskGroup group;
  for (int i = 0; i < users; ++i) group.spawn(use_a_permit(semaphore, occupancy));
  co_await group.join();
}

// Yields `yields_first` times, acquires (logging the outcome), holds the
// permit for one tick, releases it.
Task<void> acquire_log_release(Semaphore* semaphore, Log* log, std::string name, int yields_first) {
  co_await yield_times(yields_first);
  bool cancelled = false;
  try {
    co_await semaphore->acquire();
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  log->push_back(name + (cancelled ? " cancelled" : " acquired"));
  if (cancelled) co_return;
  co_await corolab::yield();
  semaphore->release();
}

struct AfterRelease {
  bool newcomer_acquired = true;
  std::size_t available = 99;
};

// The caller holds the only permit. Three tasks queue up (in the order 3, 2,
// 1); then the permit is released and a newcomer tries to take it.
Task<void> queue_then_release(Semaphore* semaphore, Log* log, AfterRelease* after) {
  TaskGroup group;
  group.spawn(acquire_log_release(semaphore, log, "1", 3));
  group.spawn(acquire_log_release(semaphore, log, "2", 2));
  group.spawn(acquire_log_release(semaphore, log, "3", 1));
  co_await yield_times(5);  // all three are queued now
  semaphore->release();     // goes straight to "3", the longest waiter
  after->newcomer_acquired = semaphore->try_acquire();
  after->available = semaphore->available();
  co_await group.join();
}

Task<void> release_after_yields(Semaphore* semaphore, int yields) {
  co_await yield_times(yields);
  semaphore->release();
}

Task<void> stop_after_yields(std::stop_source* source, int yields) {
  co_await yield_times(yields);
  source->request_stop();
}

// The caller holds the only permit. "A" (cancellable), "B" and "C" queue up;
// "A" is cancelled, then the permit is released.
Task<void> cancel_first_waiter(Semaphore* semaphore, Log* log) {
  std::stop_source source;
  TaskGroup group;
  group.spawn(under_token(acquire_log_release(semaphore, log, "A", 0), source.get_token()));
  group.spawn(acquire_log_release(semaphore, log, "B", 0));
  group.spawn(acquire_log_release(semaphore, log, "C", 0));
  group.spawn(stop_after_yields(&source, 2));
  group.spawn(release_after_yields(semaphore, 4));
  co_await group.join();
}

Task<void> release_then_stop(Semaphore* semaphore, std::stop_source* source) {
  co_await corolab::yield();
  semaphore->release();
  source->request_stop();
}

Task<void> stop_then_release(Semaphore* semaphore, std::stop_source* source) {
  co_await corolab::yield();
  source->request_stop();
  semaphore->release();
}

// The caller holds the only permit; "A" (cancellable) and "B" wait. In one
// tick, the permit is released and A's stop is requested, in either order.
Task<void> race_release_and_stop(Semaphore* semaphore, Log* log, bool release_first) {
  std::stop_source source;
  TaskGroup group;
  group.spawn(under_token(acquire_log_release(semaphore, log, "A", 0), source.get_token()));
  group.spawn(acquire_log_release(semaphore, log, "B", 0));
  if (release_first) {
    group.spawn(release_then_stop(semaphore, &source));
  } else {
    group.spawn(stop_then_release(semaphore, &source));
  }
  co_await group.join();
}

Task<void> acquire_and_count(Semaphore* semaphore, int* acquired) {
  LifetimeCounter in_frame;
  co_await semaphore->acquire();
  ++*acquired;
  semaphore->release();
}

Task<void> release_and_stop_loop(Semaphore* semaphore, EventLoop* loop) {
  co_await corolab::yield();  // the acquirers are queued by now
  semaphore->release();       // wakes the first one; it would run next tick...
  loop->stop();               // ...but the loop stops first
}

// Hands the permit to a queued child, then leaves the group's scope by an
// exception in the same tick: the child is destroyed before it can resume.
Task<void> release_to_child_then_throw(Semaphore* semaphore, int* acquired) {
  TaskGroup group;
  group.spawn(acquire_and_count(semaphore, acquired));
  co_await corolab::yield();  // the child is queued on the semaphore
  semaphore->release();
  throw std::runtime_error("leaving the group's scope");
}

}  // namespace

// Ten tasks share three permits: exactly three are ever inside at once.
TEST_CASE("a semaphore limits concurrency to its number of permits") {
  Semaphore semaphore{3};
  Occupancy occupancy;
  sync_wait(many_users(&semaphore, &occupancy, 10));
  CHECK(occupancy.max_inside == 3);
  CHECK(occupancy.finished == 10);
  CHECK(semaphore.available() == 3);
}

TEST_CASE("try_acquire takes a permit only if one is free") {
  Semaphore semaphore{2};
  CHECK(semaphore.try_acquire());
  CHECK(semaphore.try_acquire());
  CHECK_FALSE(semaphore.try_acquire());
  CHECK(semaphore.available() == 0);
  semaphore.release();
  CHECK(semaphore.available() == 1);
  CHECK(semaphore.try_acquire());
}

// release() hands the permit to the longest waiter directly: the waiters get
// it in arrival order, and a newcomer cannot overtake them.
TEST_CASE("a semaphore is fair: permits go to waiters in FIFO order") {
  Semaphore semaphore{1};
  REQUIRE(semaphore.try_acquire());
  Log log;
  AfterRelease after;
  sync_wait(queue_then_release(&semaphore, &log, &after));
  CHECK(log == Log{"3 acquired", "2 acquired", "1 acquired"});
  CHECK_FALSE(after.newcomer_acquired);
  CHECK(after.available == 0);
  CHECK(semaphore.available() == 1);
}

// A cancelled acquirer leaves the queue without a permit; the permit goes to
// the next waiter, and none is lost or duplicated.
TEST_CASE("cancelling a waiting acquirer neither loses nor duplicates permits") {
  Semaphore semaphore{1};
  REQUIRE(semaphore.try_acquire());
  Log log;
  sync_wait(cancel_first_waiter(&semaphore, &log));
  CHECK(log == Log{"A cancelled", "B acquired", "C acquired"});
  CHECK(semaphore.available() == 1);
}

// An acquirer is woken once: release() and a stop request in the same tick
// are decided by whichever comes first, and the permit ends up accounted for.
TEST_CASE("release() and a stop request in the same tick: the first one wins") {
  Semaphore semaphore{1};
  REQUIRE(semaphore.try_acquire());
  Log log;
  SECTION("release first: the acquirer gets the permit") {
    sync_wait(race_release_and_stop(&semaphore, &log, true));
    CHECK(log == Log{"A acquired", "B acquired"});
  }
  SECTION("stop first: the acquirer is cancelled, the next one gets the permit") {
    sync_wait(race_release_and_stop(&semaphore, &log, false));
    CHECK(log == Log{"A cancelled", "B acquired"});
  }
  CHECK(semaphore.available() == 1);
}

// An acquirer handed a permit by release() but destroyed before it resumed
// gives the permit back (AcquireAwaiter's destructor); otherwise it would be
// lost for good.
TEST_CASE("a woken acquirer destroyed before it resumes gives its permit back") {
  ExpectNoLeaks no_leaks;
  Semaphore semaphore{0};
  int acquired = 0;

  SECTION("destroyed with the loop, after stop()") {
    {
      EventLoop loop;
      loop.spawn(acquire_and_count(&semaphore, &acquired));
      loop.spawn(acquire_and_count(&semaphore, &acquired));
      loop.spawn(release_and_stop_loop(&semaphore, &loop));
      loop.run();
      CHECK(loop.spawned_task_count() == 2);
      CHECK(semaphore.available() == 0);  // the first acquirer holds it
    }
    CHECK(acquired == 0);
    CHECK(semaphore.available() == 1);
  }
  SECTION("destroyed with its TaskGroup, in the tick it was woken") {
    CHECK_THROWS_WITH(sync_wait(release_to_child_then_throw(&semaphore, &acquired)),
                      "leaving the group's scope");
    CHECK(acquired == 0);
    CHECK(semaphore.available() == 1);
  }
}
