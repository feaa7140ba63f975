#pragma once
// Blocking work off the loop thread.
//
// Some calls cannot be made non-blocking (getaddrinfo, a slow library, heavy
// computation). Running them on the loop would freeze every coroutine, so
//   auto addresses = co_await corolab::run_blocking([&] { return getaddrinfo(...); });
// runs the function on a small thread pool and resumes the awaiting coroutine
// back on the loop thread with the result (or the exception) of the function.
//
// The function itself cannot be interrupted: cancellation does not apply to
// run_blocking, and the wait ends when the function returns.

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "corolab/detail/result_slot.hpp"
#include "corolab/detail/waiter.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/task.hpp"

namespace corolab {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t thread_count = 4);
  // Runs every job already submitted, then joins the threads.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void submit(std::function<void()> job);

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable has_jobs_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::jthread> threads_;
};

namespace detail {

// What the worker thread and the waiting coroutine share. It outlives both:
// if the coroutine is destroyed first, the worker's result is simply dropped.
template <typename Fn, typename Result>
struct BlockingJob {
  explicit BlockingJob(Fn f) : fn(std::move(f)) {}
  Fn fn;
  std::optional<Stored<Result>> result;
  std::exception_ptr error;
  Waiter* waiter = nullptr;  // touched on the loop thread only
};

template <typename Fn, typename Result>
class BlockingCall final : public Waiter {
 public:
  explicit BlockingCall(Fn fn) : job_(std::make_shared<BlockingJob<Fn, Result>>(std::move(fn))) {}
  ~BlockingCall() { job_->waiter = nullptr; }

  bool await_ready() const noexcept { return false; }

  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> suspended) {
    start_waiting(suspended, {});
    EventLoop& loop = EventLoop::current();
    job_->waiter = this;
    loop.begin_external_work();
    loop.thread_pool().submit([job = job_, &loop]() mutable {
      try {
        job->result.emplace(invoke_for_slot<Result>(job->fn));
      } catch (...) {
        job->error = std::current_exception();
      }
      // The job goes back whole: its last owner, and so its end (the
      // function, the result, the exception), is on the loop thread.
      loop.post_from_any_thread([job = std::move(job), &loop] {
        loop.end_external_work();
        if (job->waiter != nullptr) job->waiter->wake();
      });
    });
    return true;
  }

  const char* kind() const noexcept override { return "run_blocking"; }

  Result await_resume() {
    finish_waiting();
    job_->waiter = nullptr;
    if (job_->error) std::rethrow_exception(job_->error);
    return unwrap_slot<Result>(std::move(*job_->result));
  }

 private:
  std::shared_ptr<BlockingJob<Fn, Result>> job_;
};

}  // namespace detail

template <typename Fn>
auto run_blocking(Fn fn) -> Task<std::invoke_result_t<Fn&>> {
  using Result = std::invoke_result_t<Fn&>;
  detail::BlockingCall<Fn, Result> call(std::move(fn));
  co_return co_await call;
}

}  // namespace corolab
