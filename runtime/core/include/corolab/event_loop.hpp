#pragma once
// The event loop: a ready queue, a timer heap and a reactor.
//
// Each iteration (one "tick"):
//   1. resume every coroutine that was ready when the tick began (FIFO);
//   2. ask the reactor which file descriptors are ready, blocking only when
//      nothing is ready to run, and at most until the next timer is due;
//   3. move expired timers and finished background work to the ready queue.
// Awaiters are the system calls of this little kernel: they register a
// waiting coroutine in one of those three places and the loop resumes it.
//
// One loop per thread. Constructing a loop makes it the thread's current
// loop, which is where awaiters find it.
//
// For tests, a loop can run on virtual time (TimeSource).
//
// COROLAB_TRACE=trace.json records each coroutine's runs and waits (detail/tracer.hpp);
// COROLAB_SLOW_STEP_MS=50 names any task that holds the loop longer (LoopOptions);
// corolab::dump_tasks() lists the live tasks and what they wait for (task_dump.hpp).

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/detail/detached_task.hpp"
#include "corolab/detail/intrusive_list.hpp"
#include "corolab/detail/resumable.hpp"
#include "corolab/detail/timer_heap.hpp"
#include "corolab/reactor.hpp"
#include "corolab/task.hpp"

// Tracing can be compiled out: `cmake -DCOROLAB_TRACING=OFF` defines
// COROLAB_TRACING=0. Every hook's condition is then false at compile time and
// the hook disappears; bench/tracing_cost.cpp measures what that saves.
#ifndef COROLAB_TRACING
#define COROLAB_TRACING 1
#endif

namespace corolab {

class ThreadPool;
namespace detail {
class Tracer;
}

// COROLAB_TRACE if set, else empty (no trace).
std::string default_trace_file();
// COROLAB_SLOW_STEP_MS if set (milliseconds, decimals allowed), else none.
std::optional<Duration> default_slow_step_warning();

// For tests, a loop can run on *virtual time* (LoopOptions): its clock
// stands still while there is work to do, and when nothing is left but
// timers, it jumps straight to the next deadline. A 30-second timeout then
// takes microseconds, and takes them the same way every run. Real I/O still
// works: while virtual time stands still, the reactor is polled without
// blocking. A schedule seed shuffles the coroutines that become ready
// together, so a test can try many interleavings and replay a failing one.
enum class TimeSource {
  real,     // the monotonic clock
  virtual_  // starts at a fixed point; moves only when the loop is idle, or by advance()
};

struct LoopOptions {
  ReactorKind reactor = default_reactor_kind();
  TimeSource time = TimeSource::real;
  // When set, coroutines that become ready in the same tick run in an order
  // shuffled by this seed (the same seed, the same order); else FIFO.
  std::optional<std::uint64_t> schedule_seed;
  // When not empty, the loop records a trace to this file (detail/tracer.hpp).
  std::string trace_file = default_trace_file();
  // The slow-step watchdog, asyncio's debug mode in one line: when set, any
  // step (one resume of one task, until it suspends again) that holds the
  // loop longer than this, on the real clock, is reported on stderr with the
  // task's name: "corolab: task 'worker 3' held the loop for 120.4 ms".
  std::optional<Duration> slow_step_warning = default_slow_step_warning();

  // For tests: `EventLoop loop(LoopOptions::virtual_time());`
  static LoopOptions virtual_time(std::optional<std::uint64_t> schedule_seed = std::nullopt) {
    LoopOptions options;
    options.time = TimeSource::virtual_;
    options.schedule_seed = schedule_seed;
    return options;
  }
};

class EventLoop final : private detail::TaskOwner {
 public:
  explicit EventLoop(ReactorKind reactor_kind = default_reactor_kind());
  explicit EventLoop(LoopOptions options);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // The loop of the calling thread. current() throws std::logic_error if none.
  static EventLoop& current();
  static EventLoop* current_or_null() noexcept;

  // Runs until stop() is called or nothing is left that could make progress
  // (no ready coroutine, no timer, no I/O watch, no background work).
  // If a spawned task fails, its error is printed with the task's name and
  // rethrown from here.
  void run();
  // Makes run() return after the current tick. (sync_wait is not affected:
  // it runs until its task completes.)
  void stop() noexcept { stop_requested_ = true; }

  // Starts `task` in the background. The loop owns it: destroying the loop
  // destroys the tasks still running.
  void spawn(Task<void> task, std::string name = "task");

  // Runs the loop until `task` finishes; rethrows its exception. Throws
  // std::logic_error if the loop runs out of work first (a deadlock).
  // sync_wait() is the friendlier spelling.
  void run_until_complete(Task<void> task);

  // The loop's clock: Clock::now(), or the virtual time. Everything that
  // measures or waits for time asks here.
  TimePoint now() const noexcept { return virtual_now_ ? *virtual_now_ : Clock::now(); }
  bool has_virtual_time() const noexcept { return virtual_now_.has_value(); }

  // --- Virtual time (tests) ------------------------------------------------
  // Runs every coroutine that is ready, and whatever they make ready, until
  // nothing is: time stands still. (The reactor is polled without blocking.)
  void run_until_idle();
  // Moves virtual time forward by `duration`, waking the timers due on the
  // way in deadline order and running until idle after each. Throws
  // std::logic_error on a loop with real time.
  void advance(Duration duration);
  Reactor& reactor() noexcept { return *reactor_; }
  ThreadPool& thread_pool();
  std::size_t spawned_task_count() const noexcept { return spawned_count_; }

  // --- The interface awaiters use ------------------------------------------
  void schedule(detail::Resumable& ready) noexcept {
    if (tracing()) [[unlikely]]
      trace_ready(ready);
    ready_.push_back(ready);
  }
  void add_timer(detail::TimerNode& timer, TimePoint deadline) {
    timers_.insert(timer, deadline);
    if (tracing()) [[unlikely]]
      trace_timer(timer, deadline);
  }
  // --- For dump_tasks() (task_dump.hpp) ------------------------------------
  // A spawned task, TaskGroup child or sync_wait root starts (its record
  // leaves the list by itself when it ends), and ends.
  void add_live_task(detail::TaskRecord& task) noexcept { live_tasks_.push_back(task); }
  void live_task_ending(const detail::TaskRecord& task) noexcept {
    if (&task == step_task_) [[unlikely]]
      step_task_ending();
  }
  const detail::IntrusiveList<detail::TaskRecord>& live_tasks() const noexcept {
    return live_tasks_;
  }
  // fn(resumable) for each coroutine queued to run: this tick's rest, then the next tick's.
  template <typename Fn>
  void for_each_queued(Fn fn) const {
    batch_.for_each(fn);
    ready_.for_each(fn);
  }
  // True while the loop resumes this tick's coroutines: whoever calls then
  // runs in one of them.
  bool in_step() const noexcept { return stepping_; }

  // Null unless the loop records a trace (COROLAB_TRACE).
  detail::Tracer* tracer() const noexcept { return tracing() ? tracer_.get() : nullptr; }
  bool tracing() const noexcept { return tracing_compiled_in && tracer_ != nullptr; }
  static constexpr bool tracing_compiled_in = COROLAB_TRACING != 0;

  // Thread-safe: run `fn` on the loop thread soon. Used by background work
  // (run_blocking) and signal delivery to come back to the loop.
  void post_from_any_thread(std::function<void()> fn);

  // Work outside the loop (a thread pool job) that will post back: while any
  // is pending, the loop keeps waiting instead of declaring itself idle.
  void begin_external_work() noexcept { ++external_work_; }
  void end_external_work() noexcept { --external_work_; }

 private:
  // A tick is these two steps. run() checks stop() between them, so a stop
  // takes effect without first blocking in the reactor.
  void run_ready_coroutines();
  // COROLAB_TRACE or the watchdog: one flag, so that with both off a resume
  // costs one predictable branch, as it did with tracing alone.
  bool observed() const noexcept { return tracing() || slow_step_.has_value(); }
  void resume_observed(detail::Resumable& next);  // the slow path, out of line
  void report_slow_step(Duration took, const char* resumed_from) const;
  void step_task_ending() noexcept;
  void shuffle(detail::IntrusiveList<detail::Resumable>& batch);
  bool wait_for_events();  // false when idle: nothing could ever wake anyone
  std::optional<std::chrono::nanoseconds> poll_timeout(bool has_posted) const;
  std::optional<std::chrono::nanoseconds> virtual_poll_timeout() const;
  void jump_to_next_timer_if_idle();
  void expire_timers();
  void run_posted_functions();
  void rethrow_task_failure();
  void on_task_finished(const std::string& name, std::exception_ptr error) noexcept override;
  // The slow paths of tracing, out of line.
  void trace_ready(detail::Resumable& ready) noexcept;
  void trace_timer(detail::TimerNode& timer, TimePoint deadline) noexcept;

  std::unique_ptr<Reactor> reactor_;
  detail::IntrusiveList<detail::Resumable> ready_;
  detail::IntrusiveList<detail::Resumable> batch_;  // this tick's, being resumed
  bool stepping_ = false;                           // resuming batch_
  detail::IntrusiveList<detail::TaskRecord> live_tasks_;
  detail::TimerHeap timers_;
  detail::DetachedTaskList spawned_;
  std::size_t spawned_count_ = 0;
  std::exception_ptr task_failure_;
  bool stop_requested_ = false;
  bool running_ = false;
  std::size_t external_work_ = 0;

  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::atomic<bool> has_posted_{false};

  std::unique_ptr<ThreadPool> thread_pool_;

  std::optional<TimePoint> virtual_now_;     // set: the loop runs on virtual time
  std::optional<std::mt19937_64> shuffler_;  // set: a schedule seed was given
  std::unique_ptr<detail::Tracer> tracer_;   // set: COROLAB_TRACE (or LoopOptions::trace_file)
  // The slow-step watchdog (LoopOptions::slow_step_warning), and the task
  // of the step it times: the task may end during the step, so its name is
  // kept then (step_task_ending).
  std::optional<Duration> slow_step_;
  const detail::TaskRecord* step_task_ = nullptr;
  std::string ended_step_task_;
};

}  // namespace corolab
