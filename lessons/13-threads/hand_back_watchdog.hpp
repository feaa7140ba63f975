#pragma once
// A job whose hand-back never comes does not fail a test by itself: the loop
// counts the job as work still out (begin_external_work), and waits for it,
// forever. So each test gives its loop a watchdog: while the test is still
// on, every `limit` the watchdog posts the loop a function that throws, and
// the test's run() or sync_wait() ends with that message instead of hanging.
// (post_from_any_thread is the one member of the loop that any thread may
// call, and it wakes the loop from its wait.)
#include <fmt/core.h>

#include <chrono>
#include <condition_variable>
#include <corolab/event_loop.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>

class HandBackWatchdog {
 public:
  explicit HandBackWatchdog(corolab::EventLoop& loop,
                            std::chrono::milliseconds limit = std::chrono::seconds(5))
      : watcher_([this, &loop, limit] { watch(loop, limit); }) {}

  ~HandBackWatchdog() {
    {
      std::lock_guard lock(mutex_);
      test_over_ = true;
    }
    test_ended_.notify_one();
    watcher_.join();
  }

  HandBackWatchdog(const HandBackWatchdog&) = delete;
  HandBackWatchdog& operator=(const HandBackWatchdog&) = delete;

 private:
  // Again every `limit`: a test goes on after a failed CHECK, and its next
  // wait for a hand-back must end too.
  void watch(corolab::EventLoop& loop, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    while (!test_ended_.wait_for(lock, limit, [this] { return test_over_; })) {
      loop.post_from_any_thread([seconds = limit.count() / 1000.0] {
        throw std::runtime_error(fmt::format(
            "lesson 13: the loop waited {} s for a job's hand-back that never came. Does every "
            "job post back to the loop (post_from_any_thread), and does what it posts end the "
            "job's external work?",
            seconds));
      });
    }
  }

  std::mutex mutex_;
  std::condition_variable test_ended_;
  bool test_over_ = false;
  std::thread watcher_;  // last: it starts once the members above exist
};
