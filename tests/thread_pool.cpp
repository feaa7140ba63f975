// run_blocking: results, exceptions, threads, many calls at once, and a task
// destroyed while its function still runs on a worker.
#include "corolab/thread_pool.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <semaphore>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "corolab/event_loop.hpp"
#include "corolab/sync_wait.hpp"
#include "lifetime_counter.hpp"
#include "loop_test_support.hpp"

using corolab::EventLoop;
using corolab::run_blocking;
using corolab::sync_wait;
using corolab::Task;

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
    co_await run_blocking([] { throw std::runtime_error("worker failed"); });
  } catch (const std::runtime_error& e) {
    co_return e.what();
  }
  co_return "nothing thrown";
}

Task<int> blocking_throws_uncaught() {
  int value = co_await run_blocking([]() -> int { throw std::logic_error("not caught"); });
  co_return value;
}

struct Threads {
  std::thread::id worker;
  std::thread::id after_resume;
};

Task<void> record_threads(Threads* threads) {
  std::thread::id* worker = &threads->worker;
  co_await run_blocking([worker] { *worker = std::this_thread::get_id(); });
  threads->after_resume = std::this_thread::get_id();
}

struct ManyCalls {
  std::mutex mutex;  // the workers share `workers`
  std::set<std::thread::id> workers;
  long sum = 0;
  int resumed_on_loop_thread = 0;
};

Task<void> square_on_worker(int i, ManyCalls* calls) {
  const std::thread::id loop_thread = std::this_thread::get_id();
  int square = co_await run_blocking([i, calls] {
    std::lock_guard lock(calls->mutex);
    calls->workers.insert(std::this_thread::get_id());
    return i * i;
  });
  calls->sum += square;
  if (std::this_thread::get_id() == loop_thread) ++calls->resumed_on_loop_thread;
}

// The job blocks until the awaiting task's frame is destroyed, so the task
// is certain to die while its function still runs on the worker.
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

}  // namespace

TEST_CASE("run_blocking returns values, move-only values, void and references") {
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
  CHECK(sync_wait(blocking_throws()) == "worker failed");
  CHECK_THROWS_AS(sync_wait(blocking_throws_uncaught()), std::logic_error);
  CHECK_THROWS_WITH(sync_wait(blocking_throws_uncaught()), "not caught");
}

TEST_CASE("the function runs on another thread and the coroutine resumes on the loop thread") {
  Threads threads;
  sync_wait(record_threads(&threads));
  CHECK(threads.worker != std::thread::id{});
  CHECK(threads.worker != std::this_thread::get_id());
  CHECK(threads.after_resume == std::this_thread::get_id());
}

TEST_CASE("a hundred concurrent run_blocking calls all complete") {
  EventLoop loop;
  ManyCalls calls;
  long expected = 0;
  for (int i = 0; i < 100; ++i) {
    loop.spawn(square_on_worker(i, &calls));
    expected += static_cast<long>(i) * i;
  }
  loop.run();
  CHECK(loop.spawned_task_count() == 0);
  CHECK(calls.sum == expected);
  CHECK(calls.resumed_on_loop_thread == 100);
  CHECK_FALSE(calls.workers.empty());
  CHECK(calls.workers.count(std::this_thread::get_id()) == 0);
}

TEST_CASE("destroying a task suspended in run_blocking is safe: the job's result is dropped") {
  ExpectNoLeaks no_leaks;
  Job job;
  bool resumed = false;
  SECTION("destroyed with the loop, after stop()") {
    {
      EventLoop loop;
      loop.spawn(wait_for_blocked_job(&job, &resumed));
      loop.spawn(stop_the_loop());
      loop.run();  // returns at once, the job still blocked on its worker
      CHECK(loop.spawned_task_count() == 1);
      CHECK_FALSE(job.finished);  // still blocked on the worker
    }                             // destroys the task (releasing the job), then joins the worker
    CHECK(job.finished);
  }
  SECTION("destroyed alone, while the loop keeps running") {
    EventLoop loop;
    {
      StartedTask task = start_now(wait_for_blocked_job(&job, &resumed));
      CHECK_FALSE(task.done());
    }
    loop.run();  // waits for the job to post back, resumes nobody, returns
    CHECK(job.finished);
  }
  CHECK_FALSE(resumed);
}

// The one door into the loop from other threads: four threads post 250
// functions each, while the loop waits for them as external work. Every
// function runs once, on the loop thread. (The tsan preset runs this under
// ThreadSanitizer: the loop-thread-only counters below are its proof.)
TEST_CASE(
    "post_from_any_thread: every function posted from other threads runs on the loop thread") {
  EventLoop loop;
  constexpr int threads = 4;
  constexpr int posts_per_thread = 250;
  int ran = 0;  // the loop thread's only
  int ran_elsewhere = 0;
  const std::thread::id loop_thread = std::this_thread::get_id();
  loop.begin_external_work();  // run() must wait for the last post
  std::atomic<int> posters_left{threads};
  std::vector<std::jthread> posters;
  for (int t = 0; t < threads; ++t) {
    posters.emplace_back([&] {
      for (int i = 0; i < posts_per_thread; ++i) {
        loop.post_from_any_thread([&] {
          ++ran;
          if (std::this_thread::get_id() != loop_thread) ++ran_elsewhere;
        });
      }
      if (--posters_left == 0) loop.post_from_any_thread([&loop] { loop.end_external_work(); });
    });
  }
  loop.run();
  CHECK(ran == threads * posts_per_thread);
  CHECK(ran_elsewhere == 0);
}
