// Lesson 07 stage: four sleeping coroutines on one loop, on the real clock.
//
//   blink   wakes every 100 ms, four times
//   toast   sleeps 150 ms
//   kettle  sleeps 250 ms, then switches the alarm off (a stop request)
//   alarm   would sleep 1000 ms, but is cancelled at 250 ms
//
// Each wake prints the time, and how long the loop had just been blocked in
// the kernel: no coroutine runs while it blocks, so that is the time since
// the last coroutine suspended. The loop blocks until the earliest deadline
// in its timer heap, and no longer. Run it under
//   strace -e trace=epoll_wait
// to see the timeout the loop passes to the kernel each time.
#include <fmt/format.h>

#include <chrono>
#include <corolab/cancellation.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/sleep.hpp>
#include <corolab/task.hpp>
#include <stop_token>
#include <string_view>

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::EventLoop;
using corolab::Task;
using corolab::TimePoint;

namespace {

TimePoint start;     // when the loop started
TimePoint last_ran;  // when a coroutine last gave control back to the loop
bool alarm_rang = false;

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

// #region kettle_and_alarm
Task<void> kettle(Duration nap, std::stop_source* alarm_switch) {
  co_await corolab::sleep_for(nap);
  say_woke("kettle", "wakes, switches the alarm off");
  alarm_switch->request_stop();  // the alarm's timer leaves the heap now
}

Task<void> alarm(Duration nap) {
  try {
    co_await corolab::sleep_for(nap);
    say_woke("alarm", "rings");
    alarm_rang = true;
  } catch (const corolab::OperationCancelled&) {
    say_woke("alarm", "cancelled: it never rings");
  }
}
// #endregion kettle_and_alarm

}  // namespace

int main() {
  EventLoop loop;
  start = loop.now();
  last_ran = start;
  fmt::print("At 0 ms: blink every 100 ms; toast in 150 ms, kettle in 250 ms, alarm in 1000 ms.\n");

  std::stop_source alarm_switch;
  Task<void> alarm_task = alarm(1000ms);
  alarm_task.set_stop_token(alarm_switch.get_token());
  loop.spawn(blink(4, 100ms), "blink");
  loop.spawn(toast(150ms), "toast");
  loop.spawn(kettle(250ms, &alarm_switch), "kettle");
  loop.spawn(std::move(alarm_task), "alarm");
  loop.run();  // returns when no timer (and nothing else) is left

  fmt::print("run() returned at {:.1f} ms", ms(loop.now() - start));
  fmt::print("{}\n", alarm_rang ? ": the alarm rang, it was never cancelled."
                                : ", not at 1000 ms: the cancelled alarm left the heap.");
}
