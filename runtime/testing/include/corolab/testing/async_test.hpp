#pragma once
// run_async_test(): a coroutine test body on a fresh loop with virtual time,
// then a check that it left nothing behind.
//
//   Task<void> retries_three_times() { ... co_await ...; CHECK(...); }
//   TEST_CASE("...") { corolab::testing::run_async_test(retries_three_times); }
//
// After the body returns: every task it spawned must have finished, and
// every Task frame created during the test must have been destroyed. A
// leftover is a LeakError naming what leaked. With a schedule seed, ready
// coroutines run in the order that seed gives (schedule_seeds()).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "corolab/event_loop.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task.hpp"

namespace corolab::testing {

class LeakError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename MakeBody>
void run_async_test(MakeBody make_body, std::optional<std::uint64_t> schedule_seed = std::nullopt) {
  const std::ptrdiff_t frames_before = task_frames_alive();
  std::size_t still_running = 0;
  {
    EventLoop loop(LoopOptions::virtual_time(schedule_seed));
    sync_wait(make_body());
    loop.run_until_idle();  // let tasks that were just told to stop, stop
    still_running = loop.spawned_task_count();
  }  // the loop destroys what is still running, so the frame count can settle
  if (still_running != 0) {
    throw LeakError(std::to_string(still_running) +
                    " spawned task(s) still running when the test body returned");
  }
  if (const std::ptrdiff_t leaked = task_frames_alive() - frames_before; leaked != 0) {
    throw LeakError(std::to_string(leaked) + " task frame(s) leaked by the test");
  }
}

}  // namespace corolab::testing
