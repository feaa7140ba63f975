// Lesson 13: run_blocking's hand-back (blocking_call.hpp). Results and
// exceptions come back; the function runs on a pool thread and the coroutine
// resumes on the loop thread, in a step of its own; the loop waits for jobs
// still out, and ends once the last is back; a coroutine destroyed while its
// job runs is safe. Each test's loop has a watchdog (hand_back_watchdog.hpp),
// so that a hand-back that never comes fails the test instead of hanging it.
// The tsan preset runs these under ThreadSanitizer.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <corolab/event_loop.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/task_dump.hpp>
#include <corolab/yield.hpp>
#include <memory>
#include <mutex>
#include <semaphore>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "blocking_call.hpp"
#include "hand_back_watchdog.hpp"
#include "lifetime_counter.hpp"
#include "loop_test_support.hpp"

using namespace std::chrono_literals;
using corolab::EventLoop;
using corolab::sync_wait;
using corolab::Task;
using lesson13::run_blocking;

namespace {

Task<int> blocking_value() {
  int value = co_await run_blocking([] { return 6 * 7; });
  co_return value;
}

Task<std::unique_ptr<std::string>> blocking_move_only() {
  auto value = co_await run_blocking([] { return std::make_unique<std::string>("move-only"); });
  co_return value;
}

Task<void> blocking_void(bool* ran) {
  co_await run_blocking([ran] { *ran = true; });
}

Task<int&> blocking_reference(int* target) {
  int& result = co_await run_blocking([target]() -> int& { return *target; });
  co_return result;
}

Task<std::string> blocking_throws() {
  try {
    co_await run_blocking([] { throw std::runtime_error("the job failed"); });
  } catch (const std::runtime_error& e) {
    co_return e.what();
  }
  co_return "nothing thrown";
}

struct Where {
  std::thread::id job;
  std::thread::id resumed;
  bool resumed_in_a_step = false;
};

Task<void> record_where(Where* where) {
  std::thread::id* job = &where->job;
  co_await run_blocking([job] { *job = std::this_thread::get_id(); });
  where->resumed = std::this_thread::get_id();
  // In a step: queued by wake() and resumed by the loop, like any woken
  // coroutine; not resumed from inside the function the job posted.
  where->resumed_in_a_step = EventLoop::current().in_step();
}

// Takes a while on the pool: long enough that a loop that forgot the job
// would have given up on it long before.
Task<void> slow_job(bool* finished) {
  co_await run_blocking([] { std::this_thread::sleep_for(20ms); });
  *finished = true;
}

Task<int> slow_value() {
  int value = co_await run_blocking([] {
    std::this_thread::sleep_for(20ms);
    return 7;
  });
  co_return value;
}

struct ManyCalls {
  std::mutex mutex;  // the pool threads share `workers`
  std::set<std::thread::id> workers;
  long sum = 0;  // the loop thread's only
};

Task<void> square_on_the_pool(int i, ManyCalls* calls) {
  int square = co_await run_blocking([i, calls] {
    std::lock_guard lock(calls->mutex);
    calls->workers.insert(std::this_thread::get_id());
    return i * i;
  });
  calls->sum += square;
}

// The job blocks until the awaiting task's frame is destroyed, so the task
// is certain to die while its function still runs on the pool.
struct Job {
  std::binary_semaphore release{0};
  std::atomic<bool> finished{false};
};

struct ReleaseJobOnDestroy {
  Job* job;
  ~ReleaseJobOnDestroy() { job->release.release(); }
};

Task<void> wait_for_blocked_job(Job* job, bool* resumed) {
  LifetimeCounter frame;
  ReleaseJobOnDestroy release_when_destroyed{job};
  std::string result = co_await run_blocking([job] {
    job->release.acquire();
    job->finished = true;
    return std::string(1000, 'x');  // a heap allocation: a leak would show under ASan
  });
  *resumed = true;
}

Task<void> stop_the_loop() {
  EventLoop::current().stop();
  co_return;
}

Task<void> wait_for_release(std::binary_semaphore* release) {
  co_await run_blocking([release] { release->acquire(); });
}

Task<void> dump_then_release(std::string* dump, std::binary_semaphore* release) {
  *dump = corolab::task_dump();
  release->release();
  co_return;
}

// An awaiter that counts a job and never hands it back: what the watchdog is for.
struct NeverHandsBack {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {
    EventLoop::current().begin_external_work();
  }
  void await_resume() const noexcept {}
};

Task<void> wait_forever() { co_await NeverHandsBack{}; }

}  // namespace

TEST_CASE("run_blocking returns values, move-only values, void and references") {
  EventLoop loop;
  HandBackWatchdog watchdog(loop);
  CHECK(sync_wait(blocking_value()) == 42);
  CHECK(*sync_wait(blocking_move_only()) == "move-only");

  bool ran = false;
  sync_wait(blocking_void(&ran));
  CHECK(ran);

  int target = 5;
  int& result = sync_wait(blocking_reference(&target));
  CHECK(&result == &target);
}

TEST_CASE("an exception thrown by the function is rethrown in the awaiting coroutine") {
  EventLoop loop;
  HandBackWatchdog watchdog(loop);
  CHECK(sync_wait(blocking_throws()) == "the job failed");
}

TEST_CASE("the job runs on a pool thread; the coroutine resumes on the loop thread, in a step") {
  EventLoop loop;
  HandBackWatchdog watchdog(loop);
  Where where;
  sync_wait(record_where(&where));
  CHECK(where.job != std::thread::id{});
  CHECK(where.job != std::this_thread::get_id());
  CHECK(where.resumed == std::this_thread::get_id());
  CHECK(where.resumed_in_a_step);
}

TEST_CASE("a job still out is work to come: the loop waits for it") {
  EventLoop loop;
  HandBackWatchdog watchdog(loop);
  SECTION("run() returns only once the job is back") {
    bool finished = false;
    loop.spawn(slow_job(&finished), "slow job");
    loop.run();
    CHECK(finished);
    CHECK(loop.spawned_task_count() == 0);
  }
  SECTION("sync_wait sees no deadlock while the job runs") { CHECK(sync_wait(slow_value()) == 7); }
}

TEST_CASE("a hundred calls at once all come back, and then run() returns") {
  EventLoop loop;
  HandBackWatchdog watchdog(loop);
  ManyCalls calls;
  long expected = 0;
  for (int i = 0; i < 100; ++i) {
    loop.spawn(square_on_the_pool(i, &calls), "square " + std::to_string(i));
    expected += static_cast<long>(i) * i;
  }
  loop.run();
  CHECK(loop.spawned_task_count() == 0);
  CHECK(calls.sum == expected);
  CHECK_FALSE(calls.workers.empty());
  CHECK(calls.workers.count(std::this_thread::get_id()) == 0);
}

TEST_CASE("dump_tasks says what a task in run_blocking waits for") {
  EventLoop loop;
  HandBackWatchdog watchdog(loop);
  std::binary_semaphore release{0};
  std::string dump;
  loop.spawn(wait_for_release(&release), "reader");
  loop.spawn(dump_then_release(&dump, &release), "dumper");
  loop.run();
  CHECK_THAT(dump, Catch::Contains("task 'reader': waiting for run_blocking"));
}

TEST_CASE("destroying a task suspended in run_blocking is safe: the job's result is dropped") {
  ExpectNoLeaks no_leaks;
  Job job;
  bool resumed = false;
  SECTION("destroyed with the loop, after stop()") {
    {
      EventLoop loop;
      loop.spawn(wait_for_blocked_job(&job, &resumed), "blocked");
      loop.spawn(stop_the_loop(), "stopper");
      loop.run();  // returns at once, the job still blocked on its thread
      CHECK(loop.spawned_task_count() == 1);
      CHECK_FALSE(job.finished);
    }  // destroys the task (releasing the job), then joins the pool's threads
    CHECK(job.finished);
  }
  SECTION("destroyed alone, while the loop keeps running") {
    EventLoop loop;
    HandBackWatchdog watchdog(loop);
    {
      StartedTask task = start_now(wait_for_blocked_job(&job, &resumed));
      CHECK_FALSE(task.done());
    }
    loop.run();  // waits for the job to post back, resumes nobody, returns
    CHECK(job.finished);
  }
  CHECK_FALSE(resumed);
}

TEST_CASE("the tests' watchdog: a hand-back that never comes fails the test, not hangs it") {
  EventLoop loop;
  HandBackWatchdog watchdog(loop, 50ms);
  loop.spawn(wait_forever(), "forgotten");
  CHECK_THROWS_WITH(loop.run(), Catch::Contains("hand-back that never came"));
}
