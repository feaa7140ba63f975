#pragma once
// Lesson 13: run_blocking, the lesson's own copy of the runtime's
// (corolab/thread_pool.hpp), to write its hand-back:
//
//   std::string text = co_await lesson13::run_blocking([&] { return read_file(path); });
//
// runs the function on the loop's thread pool, and resumes the coroutine on
// the loop thread with its result (or its exception). The function itself
// cannot be interrupted: run_blocking takes no stop token, and the wait ends
// when the function returns.
#include <corolab/detail/result_slot.hpp>
#include <corolab/detail/waiter.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/task.hpp>
#include <corolab/thread_pool.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace lesson13 {

// What the pool thread and the waiting coroutine share, held by both
// through a shared_ptr: if the coroutine is destroyed while the function
// runs, the job outlives it, and its result is simply dropped.
template <typename Fn, typename Result>
struct BlockingJob {
  explicit BlockingJob(Fn f) : fn(std::move(f)) {}
  Fn fn;
  // Written on the pool thread, read on the loop thread after the hand-back.
  std::optional<corolab::detail::Stored<Result>> result;
  std::exception_ptr error;
  // The awaiter to wake, or null once it is gone: the loop thread's only.
  corolab::detail::Waiter* waiter = nullptr;
};

template <typename Fn, typename Result>
class BlockingCall final : public corolab::detail::Waiter {
 public:
  explicit BlockingCall(Fn fn) : job_(std::make_shared<BlockingJob<Fn, Result>>(std::move(fn))) {}
  ~BlockingCall() { job_->waiter = nullptr; }
  BlockingCall(const BlockingCall&) = delete;
  BlockingCall& operator=(const BlockingCall&) = delete;

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> suspended) {
    // #exercise hand_back: wait; run fn on the pool; post the outcome back to the loop thread
    start_waiting(suspended, {});  // no stop token: a running function cannot be stopped
    corolab::EventLoop& loop = corolab::EventLoop::current();
    job_->waiter = this;
    loop.begin_external_work();  // run() must not end while the job is out
    loop.thread_pool().submit([job = job_, &loop]() mutable {
      // On a pool thread: touch the job only, never the awaiter, which lives
      // in the coroutine's frame and may be gone.
      try {
        job->result.emplace(corolab::detail::invoke_for_slot<Result>(job->fn));
      } catch (...) {
        job->error = std::current_exception();
      }
      // The loop thread wakes the coroutine, between two steps: after this
      // await_suspend has returned, whoever finishes first. The job goes
      // back whole (moved): its end is on the loop thread too.
      loop.post_from_any_thread([job = std::move(job), &loop] {
        loop.end_external_work();
        if (job->waiter != nullptr) job->waiter->wake();
      });
    });
    return true;
    // #starter
    // (void)suspended;
    // throw std::logic_error("lesson 13: write BlockingCall::await_suspend (the hand-back)");
    // #endexercise
  }

  const char* kind() const noexcept override { return "run_blocking"; }

  Result await_resume() {
    finish_waiting();
    job_->waiter = nullptr;
    if (job_->error) std::rethrow_exception(job_->error);
    return corolab::detail::unwrap_slot<Result>(std::move(*job_->result));
  }

 private:
  std::shared_ptr<BlockingJob<Fn, Result>> job_;
};

template <typename Fn>
auto run_blocking(Fn fn) -> corolab::Task<std::invoke_result_t<Fn&>> {
  using Result = std::invoke_result_t<Fn&>;
  BlockingCall<Fn, Result> call(std::move(fn));
  co_return co_await call;
}

}  // namespace lesson13
