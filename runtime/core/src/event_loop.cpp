#include "corolab/event_loop.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

#include "corolab/detail/tracer.hpp"
#include "corolab/thread_pool.hpp"

namespace corolab {

namespace {

thread_local EventLoop* current_loop = nullptr;

// Sets a flag for as long as the loop runs, however run() is left.
class MarkRunning {
 public:
  explicit MarkRunning(bool& flag) noexcept : flag_(flag) { flag_ = true; }
  ~MarkRunning() { flag_ = false; }
  MarkRunning(const MarkRunning&) = delete;
  MarkRunning& operator=(const MarkRunning&) = delete;

 private:
  bool& flag_;
};

}  // namespace

namespace {
LoopOptions with_reactor(ReactorKind reactor_kind) {
  LoopOptions options;
  options.reactor = reactor_kind;
  return options;
}
}  // namespace

EventLoop::EventLoop(ReactorKind reactor_kind) : EventLoop(with_reactor(reactor_kind)) {}

// Virtual time starts at an arbitrary but fixed point, so that every run of a
// test sees the same times.
constexpr TimePoint virtual_epoch = TimePoint{} + std::chrono::hours(24);

EventLoop::EventLoop(LoopOptions options) : reactor_(make_reactor(options.reactor)) {
  if (current_loop != nullptr) {
    throw std::logic_error("corolab: this thread already has an event loop (one loop per thread)");
  }
  if (options.time == TimeSource::virtual_) virtual_now_ = virtual_epoch;
  if (options.schedule_seed) shuffler_.emplace(*options.schedule_seed);
  slow_step_ = options.slow_step_warning;
  if (!options.trace_file.empty()) {
    if (tracing_compiled_in) {
      tracer_ = std::make_unique<detail::Tracer>(options.trace_file);
    } else {
      fmt::print(
          stderr,
          "corolab: no trace written to {}: tracing was compiled out (COROLAB_TRACING=OFF)\n",
          options.trace_file);
    }
  }
  current_loop = this;
}

EventLoop::~EventLoop() {
  // Order matters: first destroy the coroutines (their awaiters unregister
  // from the reactor, the timer heap and background jobs), then stop the
  // threads that could still post back to us.
  spawned_.destroy_all();
  thread_pool_.reset();
  ready_.clear();
  tracer_.reset();  // finishes the trace file
  current_loop = nullptr;
}

EventLoop& EventLoop::current() {
  if (current_loop == nullptr) {
    throw std::logic_error(
        "corolab: no event loop on this thread (create a corolab::EventLoop or use sync_wait)");
  }
  return *current_loop;
}

EventLoop* EventLoop::current_or_null() noexcept { return current_loop; }

ThreadPool& EventLoop::thread_pool() {
  if (!thread_pool_) thread_pool_ = std::make_unique<ThreadPool>();
  return *thread_pool_;
}

void EventLoop::spawn(Task<void> task, std::string name) {
  ++spawned_count_;
  spawned_.start(std::move(task), *this, {}, std::move(name));
}

void EventLoop::on_task_finished(const std::string& name, std::exception_ptr error) noexcept {
  --spawned_count_;
  if (!error) return;
  // Never swallow a failure: print it now, with the task's name, and make
  // run() rethrow it.
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    fmt::print(stderr, "corolab: task '{}' failed: {}\n", name, e.what());
  } catch (...) {
    fmt::print(stderr, "corolab: task '{}' failed with a non-standard exception\n", name);
  }
  if (!task_failure_) task_failure_ = error;
}

void EventLoop::rethrow_task_failure() {
  if (task_failure_) std::rethrow_exception(std::exchange(task_failure_, nullptr));
}

void EventLoop::run() {
  if (running_) throw std::logic_error("corolab: run() called from inside the running loop");
  MarkRunning running(running_);
  // A stop() made before run() is honoured too: run() then returns at once.
  while (!stop_requested_) {
    run_ready_coroutines();
    rethrow_task_failure();
    if (stop_requested_ || !wait_for_events()) break;
  }
  stop_requested_ = false;
}

namespace {

// The root of run_until_complete: remembers that the task ended, and how.
struct RootTask final : detail::TaskOwner {
  bool done = false;
  std::exception_ptr error;
  void on_task_finished(const std::string&, std::exception_ptr e) noexcept override {
    done = true;
    error = std::move(e);
  }
};

}  // namespace

void EventLoop::run_until_complete(Task<void> task) {
  if (running_) {
    throw std::logic_error(
        "corolab: sync_wait/run_until_complete called from inside the running loop");
  }
  MarkRunning running(running_);

  RootTask root;
  detail::DetachedTaskList root_list;  // destroys the task if we leave early
  root_list.start(std::move(task), root, {}, "sync_wait");
  while (true) {
    run_ready_coroutines();
    rethrow_task_failure();
    if (root.done) break;
    if (!wait_for_events()) {
      throw std::logic_error(
          "corolab: deadlock: the awaited task is suspended, but nothing is left that could "
          "resume it (no ready task, timer, I/O wait or background job)");
    }
  }
  if (root.error) std::rethrow_exception(root.error);
}

void EventLoop::post_from_any_thread(std::function<void()> fn) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(fn));
    has_posted_.store(true, std::memory_order_release);
  }
  reactor_->wake();
}

bool EventLoop::wait_for_events() {
  const bool waiting_for_io = reactor_->watch_count() > 0 || external_work_ > 0;
  const bool has_posted = has_posted_.load(std::memory_order_acquire);
  if (ready_.empty() && timers_.empty() && !waiting_for_io && !has_posted) {
    return false;  // idle: nothing could ever wake anyone up
  }

  const std::optional<std::chrono::nanoseconds> timeout = poll_timeout(has_posted);
  // A non-blocking poll with nothing to watch would be a wasted system call.
  if (waiting_for_io || timeout != std::chrono::nanoseconds{0}) reactor_->poll(timeout);

  run_posted_functions();
  if (virtual_now_) jump_to_next_timer_if_idle();
  expire_timers();
  return true;
}

// How long may we block in the kernel? Not at all if coroutines are ready,
// until the next timer if there is one, else until some I/O happens.
std::optional<std::chrono::nanoseconds> EventLoop::poll_timeout(bool has_posted) const {
  if (!ready_.empty() || has_posted) return std::chrono::nanoseconds{0};
  if (timers_.empty()) return std::nullopt;
  if (virtual_now_) return virtual_poll_timeout();
  // (Compare before subtracting: a deadline far in the past would overflow.)
  const TimePoint deadline = timers_.next_deadline();
  const TimePoint current_time = now();
  return deadline <= current_time ? Duration{0} : deadline - current_time;
}

// Virtual time does not pass while we block, so never wait for a timer:
// poll, and jump to the deadline if nothing happened. Only background work
// (a thread pool job) is worth waiting for, in real time.
std::optional<std::chrono::nanoseconds> EventLoop::virtual_poll_timeout() const {
  if (external_work_ > 0) return std::nullopt;
  return std::chrono::nanoseconds{0};
}

// Virtual time: when the poll found nothing to do, nothing can happen
// before the next timer, so the clock goes straight there.
void EventLoop::jump_to_next_timer_if_idle() {
  const bool idle = ready_.empty() && !has_posted_.load(std::memory_order_acquire);
  if (!idle || timers_.empty()) return;
  *virtual_now_ = std::max(*virtual_now_, timers_.next_deadline());
}

void EventLoop::run_until_idle() {
  if (running_)
    throw std::logic_error("corolab: run_until_idle() called from inside the running loop");
  MarkRunning running(running_);
  do {
    run_ready_coroutines();
    rethrow_task_failure();
    if (reactor_->watch_count() > 0) reactor_->poll(std::chrono::nanoseconds{0});
    run_posted_functions();
    expire_timers();
  } while (!ready_.empty() || has_posted_.load(std::memory_order_acquire));
}

void EventLoop::advance(Duration duration) {
  if (!virtual_now_) throw std::logic_error("corolab: advance() needs a loop with virtual time");
  const TimePoint target = *virtual_now_ + duration;
  run_until_idle();
  while (!timers_.empty() && timers_.next_deadline() <= target) {
    *virtual_now_ = std::max(*virtual_now_, timers_.next_deadline());
    run_until_idle();  // expires the timers due now, and runs what they wake
  }
  *virtual_now_ = target;
}

void EventLoop::run_ready_coroutines() {
  // Only the coroutines that were ready when the tick began: those they make
  // ready wait for the next tick, so the reactor and timers get their turn.
  batch_.splice_back(ready_);
  if (shuffler_) shuffle(batch_);
  MarkRunning stepping(stepping_);
  const bool observed = this->observed();  // trace or watchdog? read once
  while (!batch_.empty()) {
    detail::Resumable& next = batch_.pop_front();
    if (observed) [[unlikely]]
      resume_observed(next);
    else
      next.handle.resume();
  }
}

// A test's schedule seed: the same batch, in an order only the seed decides.
void EventLoop::shuffle(detail::IntrusiveList<detail::Resumable>& batch) {
  std::vector<detail::Resumable*> order;
  while (!batch.empty()) order.push_back(&batch.pop_front());
  std::shuffle(order.begin(), order.end(), *shuffler_);
  for (detail::Resumable* ready : order) batch.push_back(*ready);
}

void EventLoop::expire_timers() {
  if (timers_.empty()) return;
  const TimePoint current_time = now();
  while (!timers_.empty() && timers_.next_deadline() <= current_time) {
    detail::TimerNode& timer = timers_.pop();
    if (tracing()) [[unlikely]]
      tracer_->timer_fired(timer.handle);
    timer.on_timer_fired();
  }
}

// --- Tracing (COROLAB_TRACE) -------------------------------------------------

void EventLoop::trace_ready(detail::Resumable& ready) noexcept {
  tracer_->became_ready(ready.handle);
}

void EventLoop::trace_timer(detail::TimerNode& timer, TimePoint deadline) noexcept {
  tracer_->waits_for_timer(timer.handle, deadline - now());
}

void EventLoop::run_posted_functions() {
  if (!has_posted_.load(std::memory_order_acquire)) return;
  std::vector<std::function<void()>> functions;
  {
    std::lock_guard lock(posted_mutex_);
    functions.swap(posted_);
    has_posted_.store(false, std::memory_order_relaxed);
  }
  for (auto& fn : functions) fn();
}

}  // namespace corolab
