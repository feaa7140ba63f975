// What dump_tasks() and the slow-step watchdog cost while nobody uses them.
//
// dump_tasks() reads bookkeeping that every task keeps all the time: a
// pointer per co_await (the async stack, detail/task_record.hpp), a short
// walk and three stores per wait. It cannot be switched off, so it is
// measured against the runtime before it: build this program on both trees
// and compare, in instructions (callgrind; wall time on this VM moves by up
// to 2x from one process to the next, see README.md):
//
//   valgrind --tool=callgrind --toggle-collect='*measure_yields*'
//       build/release/bench/bench_task_dump_cost --smoke      (one command)
//
// (and measure_awaits, measure_ping_pongs, measure_sleeps: 10,000 of each).
//
// The watchdog shares the branch tracing already had around each resume
// (EventLoop::observed()), so off it adds nothing; on, it reads the clock
// twice per resume. This program also prints the four loops with the
// watchdog off and on (a threshold nothing reaches), in one run.
//
// The four loops: await a child task that returns at once (create, await,
// destroy), yield (a resume through the ready queue), two tasks waking each
// other through two Events (two waits), sleep_for(0) (the timer heap).

#include <corolab/event.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/sleep.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/task.hpp>
#include <corolab/task_group.hpp>
#include <corolab/yield.hpp>
#include <cstdio>
#include <optional>
#include <stdexcept>

#include "bench.hpp"

namespace {

using corolab::Task;

double ns_per(bench::Clock::time_point start, long count) {
  return bench::seconds_since(start) * 1e9 / static_cast<double>(count);
}

Task<int> child() { co_return 1; }

Task<double> awaits(long count) {
  long sum = 0;
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) sum += co_await child();
  if (sum != count) throw std::logic_error("await chain: wrong sum");
  co_return ns_per(start, count);
}

Task<double> yields(long count) {
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) co_await corolab::yield();
  co_return ns_per(start, count);
}

Task<double> zero_sleeps(long count) {
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) co_await corolab::sleep_for(corolab::Duration::zero());
  co_return ns_per(start, count);
}

// Ping and pong take turns: each round trip is two Event waits and wakes.
struct Court {
  corolab::Event ping, pong;
};

Task<void> ponger(Court* court, long count) {
  for (long i = 0; i < count; ++i) {
    co_await court->ping.wait();
    court->ping.reset();
    court->pong.set();
  }
}

Task<double> ping_pongs(long count) {
  Court court;
  corolab::TaskGroup group;
  group.spawn(ponger(&court, count), "ponger");
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) {
    court.ping.set();
    co_await court.pong.wait();
    court.pong.reset();
  }
  const double ns = ns_per(start, count);
  co_await group.join();
  co_return ns;
}

struct Figures {
  double await_ns, yield_ns, ping_pong_ns, sleep_ns;
};

// One function per loop, for callgrind's --toggle-collect='*measure_yields*'.
[[gnu::noinline]] double measure_awaits(long n) { return corolab::sync_wait(awaits(n)); }
[[gnu::noinline]] double measure_yields(long n) { return corolab::sync_wait(yields(n)); }
[[gnu::noinline]] double measure_ping_pongs(long n) { return corolab::sync_wait(ping_pongs(n)); }
[[gnu::noinline]] double measure_sleeps(long n) { return corolab::sync_wait(zero_sleeps(n)); }

[[gnu::noinline]] Figures measured_loops(long count, std::optional<corolab::Duration> watchdog) {
  corolab::LoopOptions options;
  options.slow_step_warning = watchdog;
  corolab::EventLoop loop(options);
  return Figures{measure_awaits(count), measure_yields(count), measure_ping_pongs(count),
                 measure_sleeps(count)};
}

Figures best(int repeats, long count, std::optional<corolab::Duration> watchdog) {
  Figures best{1e300, 1e300, 1e300, 1e300};
  for (int i = 0; i < repeats; ++i) {
    const Figures f = measured_loops(count, watchdog);
    best =
        Figures{std::min(best.await_ns, f.await_ns), std::min(best.yield_ns, f.yield_ns),
                std::min(best.ping_pong_ns, f.ping_pong_ns), std::min(best.sleep_ns, f.sleep_ns)};
  }
  return best;
}

void print_row(const char* name, double off, double on) {
  std::printf("| %s | %.4g ns | %.4g ns | %+.1f%% |\n", name, off, on, (on / off - 1) * 100);
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::smoke_mode(argc, argv);
  const long count = smoke ? 10'000 : 2'000'000;
  const int repeats = smoke ? 1 : 5;
  const Figures off = best(repeats, count, std::nullopt);
  if (smoke) {  // (under callgrind: the watchdog off only, the figure that matters)
    std::printf("await %.4g ns, yield %.4g ns, Event ping-pong %.4g ns, sleep_for(0) %.4g ns\n",
                off.await_ns, off.yield_ns, off.ping_pong_ns, off.sleep_ns);
    return 0;
  }
  const Figures on = best(repeats, count, std::chrono::seconds(1));
  std::printf("| slow-step watchdog | off | on (1 s threshold) | cost when on |\n");
  std::printf("| --- | --- | --- | --- |\n");
  print_row("await a child task", off.await_ns, on.await_ns);
  print_row("yield round trip", off.yield_ns, on.yield_ns);
  print_row("Event ping-pong round trip", off.ping_pong_ns, on.ping_pong_ns);
  print_row("sleep_for(0)", off.sleep_ns, on.sleep_ns);
}
