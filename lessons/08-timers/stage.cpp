// Lesson 08 stage: three sleeping coroutines on one loop, on the real clock.
//
//   blink   wakes every 100 ms, four times
//   toast   sleeps 150 ms
//   kettle  sleeps 250 ms
//
// Each wake prints the time, and how long the loop had just been blocked in
// the kernel: no coroutine runs while it blocks, so that is the time since
// the last coroutine suspended. The loop blocks until the earliest deadline
// in its timer heap, and no longer. Run it under
//   strace -e trace=epoll_wait
// to see the timeout the loop passes to the kernel each time.
#include <fmt/format.h>

#include <chrono>
#include <corolab/event_loop.hpp>
#include <corolab/sleep.hpp>
#include <corolab/task.hpp>
#include <string_view>

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::EventLoop;
using corolab::Task;
using corolab::TimePoint;

namespace {

TimePoint start;     // when the loop started
TimePoint last_ran;  // when a coroutine last gave control back to the loop

double ms(Duration duration) { return std::chrono::duration<double, std::milli>(duration).count(); }

// Called by each coroutine right after it wakes. It goes back to sleep (or
// ends) right after this, so this is also when it gives control back.
void say_woke(std::string_view who, std::string_view what) {
  const TimePoint now = EventLoop::current().now();
  fmt::print("{:6.1f} ms  {:<6} {:<34} the loop had blocked {:5.1f} ms\n", ms(now - start), who,
             what, ms(now - last_ran));
  last_ran = EventLoop::current().now();
}

// A periodic timer sleeps *until* the next tick, not *for* a period: each
// wake is a little late, and with sleep_for the lateness would add up.
Task<void> blink(int times, Duration period) {
  for (int i = 1; i <= times; ++i) {
    const TimePoint next_tick = start + i * period;
    co_await corolab::sleep_until(next_tick);
    say_woke("blink", fmt::format("wakes ({} of {})", i, times));
  }
}

Task<void> toast(Duration nap) {
  co_await corolab::sleep_for(nap);
  say_woke("toast", "wakes");
}

Task<void> kettle(Duration nap) {
  co_await corolab::sleep_for(nap);
  say_woke("kettle", "boils");
}

}  // namespace

int main() {
  EventLoop loop;
  start = loop.now();
  last_ran = start;
  fmt::print("At 0 ms: blink every 100 ms; toast in 150 ms, kettle in 250 ms.\n");

  loop.spawn(blink(4, 100ms), "blink");
  loop.spawn(toast(150ms), "toast");
  loop.spawn(kettle(250ms), "kettle");
  loop.run();  // returns when no timer (and nothing else) is left

  fmt::print("run() returned at {:.1f} ms: no timer was left in the heap.\n",
             ms(loop.now() - start));
}
