// WaitGroup: add / done / wait, an immediate wait at zero, many waiters, a
// group reused after reaching zero, and a cancelled waiter.
#include "corolab/wait_group.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "async_test_helpers.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task.hpp"
#include "corolab/task_group.hpp"
#include "corolab/yield.hpp"

using corolab::OperationCancelled;
using corolab::sync_wait;
using corolab::Task;
using corolab::TaskGroup;
using corolab::WaitGroup;
using Log = std::vector<std::string>;

using test_helpers::under_token;
using test_helpers::yield_times;

namespace {

Task<void> work_then_done(WaitGroup* group, Log* log, std::string name, int yields) {
  co_await yield_times(yields);
  log->push_back(name + " done");
  group->done();
}

Task<void> wait_and_log(WaitGroup* group, Log* log, std::string name) {
  log->push_back(name + " waits");
  bool cancelled = false;
  try {
    co_await group->wait();
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  log->push_back(name +
                 (cancelled ? " cancelled" : " resumed, count " + std::to_string(group->count())));
}

Task<void> log_name(Log* log, std::string name) {
  log->push_back(std::move(name));
  co_return;
}

Task<void> three_jobs_one_waiter(WaitGroup* wait_group, Log* log) {
  TaskGroup tasks;
  wait_group->add(3);
  tasks.spawn(wait_and_log(wait_group, log, "W"));
  tasks.spawn(work_then_done(wait_group, log, "A", 3));
  tasks.spawn(work_then_done(wait_group, log, "B", 1));
  tasks.spawn(work_then_done(wait_group, log, "C", 2));
  co_await tasks.join();
}

Task<void> wait_at_zero_then_log(WaitGroup* wait_group, Log* log) {
  TaskGroup tasks;
  tasks.spawn(wait_and_log(wait_group, log, "W"));
  tasks.spawn(log_name(log, "other"));
  co_await tasks.join();
}

Task<void> wait_counted(WaitGroup* wait_group, int* resumed, std::size_t* count_seen_nonzero) {
  co_await wait_group->wait();
  ++*resumed;
  if (wait_group->count() != 0) ++*count_seen_nonzero;
}

Task<void> many_waiters(WaitGroup* wait_group, int waiters, int* resumed,
                        std::size_t* count_seen_nonzero, int* resumed_before_done) {
  TaskGroup tasks;
  wait_group->add(1);
  for (int i = 0; i < waiters; ++i) {
    tasks.spawn(wait_counted(wait_group, resumed, count_seen_nonzero));
  }
  co_await yield_times(3);  // every waiter is waiting
  *resumed_before_done = *resumed;
  wait_group->done();
  co_await tasks.join();
}

Task<void> stop_after_yields(std::stop_source* source, int yields) {
  co_await yield_times(yields);
  source->request_stop();
}

Task<void> cancel_one_of_two_waiters(WaitGroup* wait_group, Log* log) {
  std::stop_source source;
  TaskGroup tasks;
  wait_group->add(1);
  tasks.spawn(under_token(wait_and_log(wait_group, log, "X"), source.get_token()));
  tasks.spawn(wait_and_log(wait_group, log, "Y"));
  tasks.spawn(stop_after_yields(&source, 1));
  tasks.spawn(work_then_done(wait_group, log, "job", 3));
  co_await tasks.join();
}

}  // namespace

// wait() resumes only once done() has been called as often as add() counted.
TEST_CASE("wait() resumes when every job added is done") {
  WaitGroup wait_group;
  CHECK(wait_group.count() == 0);
  Log log;
  sync_wait(three_jobs_one_waiter(&wait_group, &log));
  CHECK(log == Log{"W waits", "B done", "C done", "A done", "W resumed, count 0"});
  CHECK(wait_group.count() == 0);
}

TEST_CASE("add() and done() move the count") {
  WaitGroup wait_group{2};
  CHECK(wait_group.count() == 2);
  wait_group.add();
  wait_group.add(4);
  CHECK(wait_group.count() == 7);
  wait_group.done();
  CHECK(wait_group.count() == 6);
  CHECK_FALSE(wait_group.wait().await_ready());
}

// At zero, wait() does not suspend: the waiter runs on before the task
// spawned after it.
TEST_CASE("wait() with a count of zero completes at once") {
  WaitGroup wait_group;
  CHECK(wait_group.wait().await_ready());
  Log log;
  sync_wait(wait_at_zero_then_log(&wait_group, &log));
  CHECK(log == Log{"W waits", "W resumed, count 0", "other"});
  sync_wait(wait_group.wait());
}

// The last done() wakes every waiter, and none before it.
TEST_CASE("the last done() wakes all waiters") {
  WaitGroup wait_group;
  int resumed = 0;
  std::size_t count_seen_nonzero = 0;
  int resumed_before_done = -1;
  sync_wait(many_waiters(&wait_group, 100, &resumed, &count_seen_nonzero, &resumed_before_done));
  CHECK(resumed_before_done == 0);
  CHECK(resumed == 100);
  CHECK(count_seen_nonzero == 0);
}

// After reaching zero, add() makes wait() suspend again.
TEST_CASE("a wait group can be reused after reaching zero") {
  WaitGroup wait_group;
  Log log;
  sync_wait(three_jobs_one_waiter(&wait_group, &log));
  log.clear();
  sync_wait(three_jobs_one_waiter(&wait_group, &log));
  CHECK(log == Log{"W waits", "B done", "C done", "A done", "W resumed, count 0"});
}

// A cancelled waiter throws OperationCancelled; the other is still woken.
TEST_CASE("cancelling a waiter leaves the other waiters intact") {
  WaitGroup wait_group;
  Log log;
  sync_wait(cancel_one_of_two_waiters(&wait_group, &log));
  CHECK(log == Log{"X waits", "Y waits", "X cancelled", "job done", "Y resumed, count 0"});
}
