// The cost of tracing when it is off: the same three loops, built twice.
//
//   bench_tracing_cost            the runtime as shipped: the trace hooks are
//                                 compiled in, and off (no COROLAB_TRACE)
//   bench_tracing_cost_compiled_out
//                                 the runtime rebuilt with COROLAB_TRACING=0:
//                                 no hooks at all
//
// The two cannot share a binary (the hooks live in inline functions, and one
// program must have one definition of each), so the first runs itself and
// the second as child processes and prints both side by side. Each loop passes through
// different hooks: yield (ready queue, resume), sleep(0) (timer heap), and a
// byte bounced over a socketpair (the reactor's fd waits).

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <corolab/event_loop.hpp>
#include <corolab/io_wait.hpp>
#include <corolab/sleep.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/task.hpp>
#include <corolab/yield.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "bench.hpp"

namespace {

double ns_per(bench::Clock::time_point start, long count) {
  return bench::seconds_since(start) * 1e9 / static_cast<double>(count);
}

corolab::Task<double> yields(long count) {
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) co_await corolab::yield();
  co_return ns_per(start, count);
}

corolab::Task<double> zero_sleeps(long count) {
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) co_await corolab::sleep_for(corolab::Duration::zero());
  co_return ns_per(start, count);
}

// One task writes a byte into one end and waits until it can read it back
// from the other: two fd waits per round trip, both through the reactor.
corolab::Task<double> socket_round_trips(long count) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, ends) != 0) {
    throw std::runtime_error("socketpair failed");
  }
  char byte = 'x';
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) {
    co_await corolab::wait_writable(ends[0]);
    if (::write(ends[0], &byte, 1) != 1) throw std::runtime_error("write failed");
    co_await corolab::wait_readable(ends[1]);
    if (::read(ends[1], &byte, 1) != 1) throw std::runtime_error("read failed");
  }
  const double ns = ns_per(start, count);
  ::close(ends[0]);
  ::close(ends[1]);
  co_return ns;
}

struct Figures {
  double yield_ns, sleep_ns, socket_ns;
};

Figures measure(bool smoke) {
  const long count = smoke ? 2'000 : 2'000'000;
  const long socket_count = smoke ? 2'000 : 300'000;
  const int repeats = smoke ? 1 : 5;
  return Figures{bench::best_of(repeats, [&] { return corolab::sync_wait(yields(count)); }),
                 bench::best_of(repeats, [&] { return corolab::sync_wait(zero_sleeps(count)); }),
                 bench::best_of(repeats, [&] {
                   return corolab::sync_wait(socket_round_trips(socket_count));
                 })};
}

void print_cost(const char* name, double hooks_off, double compiled_out) {
  std::printf("| %s | %.4g ns | %.4g ns | %+.1f%% |\n", name, hooks_off, compiled_out,
              (hooks_off / compiled_out - 1) * 100);
}

// Runs `program --figures [--smoke]` and reads the three figures it prints.
bool run_child(const std::string& program, bool smoke, Figures* figures) {
  const std::string command = program + " --figures" + (smoke ? " --smoke" : "");
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return false;
  const bool read = std::fscanf(pipe, "%lf %lf %lf", &figures->yield_ns, &figures->sleep_ns,
                                &figures->socket_ns) == 3;
  return ::pclose(pipe) == 0 && read;
}

Figures lowest(const Figures& a, const Figures& b) {
  return Figures{std::min(a.yield_ns, b.yield_ns), std::min(a.sleep_ns, b.sleep_ns),
                 std::min(a.socket_ns, b.socket_ns)};
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::smoke_mode(argc, argv);
  if (std::getenv("COROLAB_TRACE") != nullptr) {
    std::fprintf(stderr,
                 "bench_tracing_cost: unset COROLAB_TRACE (this measures tracing when off)\n");
    return 2;
  }
  bool figures_only = false;
  for (int i = 1; i < argc; ++i)
    figures_only = figures_only || std::strcmp(argv[i], "--figures") == 0;
  if (figures_only) {
    const Figures figures = measure(smoke);
    std::printf("%.6g %.6g %.6g\n", figures.yield_ns, figures.sleep_ns, figures.socket_ns);
    return 0;
  }
  // Both builds run as child processes, taking turns, several times: a
  // process's speed on these tiny loops varies with where its memory landed
  // (as much as 2x from one run of the same binary to the next), so each
  // figure is the best over the processes.
  const int processes = smoke ? 1 : 4;
  Figures traced{1e300, 1e300, 1e300};
  Figures compiled_out = traced;
  for (int i = 0; i < processes; ++i) {
    Figures figures{};
    Figures compiled_out_run{};
    if (!run_child(argv[0], smoke, &figures) ||
        !run_child(COROLAB_COMPILED_OUT_TWIN, smoke, &compiled_out_run)) {
      std::fprintf(stderr, "bench_tracing_cost: a measuring process failed\n");
      return 1;
    }
    traced = lowest(traced, figures);
    compiled_out = lowest(compiled_out, compiled_out_run);
  }
  std::printf("| tracing, off vs compiled out | hooks in, off | compiled out | cost |\n");
  std::printf("| --- | --- | --- | --- |\n");
  print_cost("yield round trip", traced.yield_ns, compiled_out.yield_ns);
  print_cost("sleep_for(0)", traced.sleep_ns, compiled_out.sleep_ns);
  print_cost("socketpair byte round trip (2 fd waits)", traced.socket_ns, compiled_out.socket_ns);
}
