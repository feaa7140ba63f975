// wait_for_signal: a Unix signal as an ordinary, cancellable coroutine wait.
// On virtual time: the signal handler writes to a pipe the reactor watches,
// which works as well while the clock stands still.
#include "corolab/signals.hpp"

#include <catch2/catch.hpp>
#include <csignal>

#include "corolab/corolab.hpp"

using namespace std::chrono_literals;
using corolab::Task;

namespace {

volatile std::sig_atomic_t previous_handler_ran = 0;
extern "C" void previous_handler(int) { previous_handler_ran = 1; }

Task<void> raise_soon(int signal_number) {
  co_await corolab::sleep_for(1ms);
  std::raise(signal_number);
}

Task<int> wait_for_raised(int signal_number) {
  Task<int> waiter = corolab::wait_for_signal(std::vector<int>{signal_number, SIGTERM});
  Task<void> raiser = raise_soon(signal_number);
  auto [received, nothing] = co_await corolab::when_all(std::move(waiter), std::move(raiser));
  co_return received;
}

Task<int> wait_with_timeout(int signal_number) {
  Task<int> waiter = corolab::wait_for_signal(std::vector<int>{signal_number});
  int received = co_await corolab::with_timeout(20ms, std::move(waiter));
  co_return received;
}

}  // namespace

TEST_CASE("a raised signal completes the wait with its number") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  const corolab::TimePoint start = loop.now();
  CHECK(corolab::sync_wait(wait_for_raised(SIGUSR1)) == SIGUSR1);
  CHECK(loop.now() - start == 1ms);  // raised after 1 ms, received at once
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("the previous handler is back once the wait is over, even when cancelled") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  std::signal(SIGUSR2, previous_handler);

  CHECK(corolab::sync_wait(wait_for_raised(SIGUSR2)) == SIGUSR2);
  previous_handler_ran = 0;
  std::raise(SIGUSR2);
  CHECK(previous_handler_ran == 1);

  const corolab::TimePoint before_timeout = loop.now();
  CHECK_THROWS_AS(corolab::sync_wait(wait_with_timeout(SIGUSR2)), corolab::TimeoutError);
  CHECK(loop.now() - before_timeout == 20ms);
  previous_handler_ran = 0;
  std::raise(SIGUSR2);
  CHECK(previous_handler_ran == 1);
  std::signal(SIGUSR2, SIG_DFL);
}
