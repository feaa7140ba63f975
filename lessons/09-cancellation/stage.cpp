// Lesson 09 stage: one stop request in a kitchen, on the real clock.
//
//   alarm    would sleep 1000 ms: a coroutine that waits
//   counter  counts primes: a coroutine that computes, and never waits
//   kettle   boils after 250 ms, then switches the kitchen off
//
// The kitchen's switch is a std::stop_source; the alarm and the counter hold
// its token. The stop request reaches them in two ways: the alarm's sleep has
// a stop callback, which cancels the wait at once (its timer leaves the heap,
// and the sleep throws OperationCancelled); the counter has nothing to
// cancel, so it looks at its token between two slices of work. Each prints
// the time it noticed; run() returns when nothing is left, long before the
// alarm's 1000 ms.
#include <fmt/format.h>

#include <chrono>
#include <corolab/cancellation.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/sleep.hpp>
#include <corolab/task.hpp>
#include <corolab/yield.hpp>
#include <stop_token>
#include <string_view>

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::EventLoop;
using corolab::Task;
using corolab::TimePoint;

namespace {

TimePoint start;  // when the loop started
bool alarm_rang = false;

double ms(Duration duration) { return std::chrono::duration<double, std::milli>(duration).count(); }

void say(std::string_view who, std::string_view what) {
  fmt::print("{:6.1f} ms  {:<7} {}\n", ms(EventLoop::current().now() - start), who, what);
}

// #region kettle_and_alarm
Task<void> kettle(Duration nap, std::stop_source* kitchen) {
  co_await corolab::sleep_for(nap);
  say("kettle", "boils, and switches the kitchen off");
  kitchen->request_stop();  // runs the alarm's stop callback now
}

Task<void> alarm(Duration nap) {
  try {
    co_await corolab::sleep_for(nap);
    say("alarm", "rings");
    alarm_rang = true;
  } catch (const corolab::OperationCancelled&) {
    say("alarm", "cancelled: it never rings");
  }
}
// #endregion kettle_and_alarm

bool is_prime(long n) {
  if (n < 2) return false;
  for (long divisor = 2; divisor * divisor <= n; ++divisor) {
    if (n % divisor == 0) return false;
  }
  return true;
}

// Work that never waits has no wait to cancel: it looks at its stop token
// between two slices, and yields so that the others (the kettle) can run.
Task<void> count_primes(long slice) {
  const std::stop_token token = co_await corolab::get_stop_token();
  long next = 2;
  long primes = 0;
  long slices = 0;
  while (!token.stop_requested()) {
    for (const long end = next + slice; next < end; ++next) primes += is_prime(next) ? 1 : 0;
    ++slices;
    co_await corolab::yield();  // not a cancellation point: the check above is
  }
  say("counter",
      fmt::format("sees the stop after {} slices: {} primes below {}", slices, primes, next));
}

}  // namespace

int main() {
  EventLoop loop;
  start = loop.now();
  fmt::print(
      "At 0 ms: the alarm is set for 1000 ms, the kettle for 250 ms;\n"
      "the counter counts primes, 20,000 numbers a slice, until the kitchen is off.\n");

  // #region kitchen
  std::stop_source kitchen;
  Task<void> alarm_task = alarm(1000ms);
  alarm_task.set_stop_token(kitchen.get_token());
  Task<void> counter_task = count_primes(20000);
  counter_task.set_stop_token(kitchen.get_token());
  loop.spawn(std::move(alarm_task), "alarm");
  loop.spawn(std::move(counter_task), "counter");
  loop.spawn(kettle(250ms, &kitchen), "kettle");
  loop.run();  // returns when nothing is left: no task, no timer
  // #endregion kitchen

  fmt::print("run() returned at {:.1f} ms", ms(loop.now() - start));
  fmt::print("{}\n", alarm_rang ? ": the alarm rang, it was never cancelled."
                                : ", not at 1000 ms: the cancelled alarm left nothing behind.");
}
