// Lesson 13: the publication race, on its own.
//
// A coroutine waits for an answer computed on a pool thread. await_suspend
// hands the job to the pool, and *then* notes that it is suspended (as the
// runtime's waiters note their state, for dump_tasks). Two ways to come back
// when the job is done:
//
//   publication_race racy [rounds]    the pool thread resumes the coroutine itself
//   publication_race fixed [rounds]   it posts the coroutine to the thread that
//                                     suspended it, which resumes it there
//
// Racy, the coroutine can run on before await_suspend has returned, and find
// a member that await_suspend has not written yet: a data race, which
// ThreadSanitizer reports in the first round (the tsan preset tests that).
// How often a normal build loses the race depends on the machine and its
// load: the last line says in how many rounds it did.
// Fixed, the coroutine is resumed by the thread that ran await_suspend, so
// after it: nothing to report.
#include <fmt/core.h>

#include <algorithm>
#include <condition_variable>
#include <corolab/thread_pool.hpp>
#include <coroutine>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <semaphore>
#include <string_view>
#include <vector>

namespace {

// The fix in miniature: a queue of coroutines that any thread may post to,
// and that one thread drains and resumes. (The event loop's
// post_from_any_thread is this, with the wake pipe for a condition variable.)
class Mailbox {
 public:
  void post(std::coroutine_handle<> coroutine) {
    {
      std::lock_guard lock(mutex_);
      waiting_.push_back(coroutine);
    }
    posted_.notify_one();
  }

  // On the owning thread: wait for a coroutine, and resume it here.
  void resume_next() {
    std::coroutine_handle<> next;
    {
      std::unique_lock lock(mutex_);
      posted_.wait(lock, [this] { return !waiting_.empty(); });
      next = waiting_.front();
      waiting_.pop_front();
    }
    next.resume();
  }

 private:
  std::mutex mutex_;
  std::condition_variable posted_;
  std::deque<std::coroutine_handle<>> waiting_;
};

// co_await OnThePool{pool, mailbox}: 6 * 7, computed on a pool thread.
// Without a mailbox, the pool thread resumes the coroutine itself.
class OnThePool {
 public:
  OnThePool(corolab::ThreadPool& pool, Mailbox* mailbox) : pool_(pool), mailbox_(mailbox) {}

  bool await_ready() const noexcept { return false; }

  void await_suspend(std::coroutine_handle<> waiting) {
    pool_.submit([this, waiting] {
      answer_ = 6 * 7;
      if (mailbox_ == nullptr) {
        waiting.resume();  // racy: the coroutine runs on, here and now
      } else {
        mailbox_->post(waiting);  // fixed: its own thread resumes it, later
      }
    });
    // `waiting` is published: from here on, another thread may resume it.
    state_ = State::suspended;
  }

  int await_resume() {
    resumed_too_soon_ = state_ != State::suspended;  // await_suspend had not got this far
    state_ = State::resumed;
    return answer_;
  }

  bool resumed_too_soon() const noexcept { return resumed_too_soon_; }

 private:
  // Where the wait is, as the runtime's waiters note it for dump_tasks.
  enum class State { created, suspended, resumed };

  corolab::ThreadPool& pool_;
  Mailbox* mailbox_;
  int answer_ = 0;
  State state_ = State::created;
  bool resumed_too_soon_ = false;
};

// The smallest coroutine type that will do: it starts at once, and its frame
// stays until main destroys it, once nothing runs it any more (so that the
// race is a data race, and not also a write into a freed frame).
struct Detached {
  struct promise_type {
    Detached get_return_object() {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  std::coroutine_handle<> frame;
};

struct Round {
  int answer = 0;
  bool resumed_too_soon = false;
  std::binary_semaphore over{0};  // released by the coroutine's last line
};

Detached ask(corolab::ThreadPool& pool, Mailbox* mailbox, Round* round) {
  OnThePool computation(pool, mailbox);
  round->answer = co_await computation;
  round->resumed_too_soon = computation.resumed_too_soon();
  round->over.release();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  if (mode != "racy" && mode != "fixed") {
    fmt::print(stderr, "usage: {} racy|fixed [rounds]\n", argv[0]);
    return 2;
  }
  const bool racy = mode == "racy";
  std::vector<Round> rounds(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1);
  std::vector<std::coroutine_handle<>> frames;
  Mailbox mailbox;
  {
    corolab::ThreadPool pool(1);
    for (Round& round : rounds) {
      frames.push_back(ask(pool, racy ? nullptr : &mailbox, &round).frame);
      if (!racy) mailbox.resume_next();  // fixed: this thread resumes it
      round.over.acquire();              // (and nothing more from this thread until then)
    }
  }  // joins the pool's thread: every job is done, and (racy) every coroutine it resumed
  for (std::coroutine_handle<> frame : frames) frame.destroy();

  const auto too_soon = std::count_if(rounds.begin(), rounds.end(),
                                      [](const Round& round) { return round.resumed_too_soon; });
  const bool all_answered = std::all_of(rounds.begin(), rounds.end(),
                                        [](const Round& round) { return round.answer == 42; });
  fmt::print("{}: {} rounds; {} resumed before their await_suspend had finished\n", mode,
             rounds.size(), too_soon);
  return all_answered ? 0 : 1;
}
