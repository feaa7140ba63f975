// 5. Fan-out and join: when_all over 1,000 tasks, each returning at once.
//
// corolab: corolab::when_all(std::vector<Task<int>>), which spawns every
// task into a TaskGroup and awaits them all.
// Asio 1.22's parallel groups (asio::experimental::make_parallel_group) and
// awaitable operators take a fixed number of operations, known at compile
// time, so 1,000 is out of their reach. The Asio side is the usual
// hand-written equivalent: co_spawn each task with a completion handler that
// counts down, and the parent waits on a steady_timer used as an event that
// the last completion cancels.

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/task.hpp>
#include <corolab/when_all.hpp>
#include <exception>
#include <vector>

#include "bench.hpp"

namespace {

constexpr int task_count = 1000;

corolab::Task<int> corolab_child(int i) { co_return i; }

corolab::Task<double> corolab_rounds(long rounds) {
  const bench::Clock::time_point start = bench::Clock::now();
  for (long round = 0; round < rounds; ++round) {
    std::vector<corolab::Task<int>> tasks;
    tasks.reserve(task_count);
    for (int i = 0; i < task_count; ++i) tasks.push_back(corolab_child(i));
    const std::vector<int> results = co_await corolab::when_all(std::move(tasks));
    if (results.size() != task_count) throw std::logic_error("when_all: lost results");
  }
  co_return bench::seconds_since(start) * 1e6 / static_cast<double>(rounds);
}

asio::awaitable<int> asio_child(int i) { co_return i; }

// The join: results land in `results`; the last one wakes the parent.
struct AsioJoin {
  explicit AsioJoin(const asio::any_io_executor& executor)
      : done(executor, asio::steady_timer::time_point::max()), results(task_count) {}
  asio::steady_timer done;
  std::vector<int> results;
  int remaining = task_count;
};

// A named handler rather than a lambda: the completion of one child.
struct StoreResult {
  AsioJoin* join;
  int index;
  void operator()(std::exception_ptr error, int value) const {
    if (error) std::rethrow_exception(error);
    join->results[static_cast<std::size_t>(index)] = value;
    if (--join->remaining == 0) join->done.cancel();
  }
};

asio::awaitable<void> asio_rounds(long rounds, double* micros_per_round) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  const bench::Clock::time_point start = bench::Clock::now();
  for (long round = 0; round < rounds; ++round) {
    AsioJoin join{executor};
    for (int i = 0; i < task_count; ++i) {
      asio::co_spawn(executor, asio_child(i), StoreResult{&join, i});
    }
    asio::error_code woken;
    auto token = asio::redirect_error(asio::use_awaitable, woken);
    co_await join.done.async_wait(token);
    if (join.remaining != 0) throw std::logic_error("when_all: lost results");
  }
  *micros_per_round = bench::seconds_since(start) * 1e6 / static_cast<double>(rounds);
}

double run_asio(long rounds) {
  asio::io_context context;
  double micros = 0;
  asio::co_spawn(context, asio_rounds(rounds, &micros), asio::detached);
  context.run();
  return micros;
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::smoke_mode(argc, argv);
  const long rounds = smoke ? 10 : 2'000;
  const int repeats = smoke ? 1 : 3;
  const double corolab_us =
      bench::best_of(repeats, [&] { return corolab::sync_wait(corolab_rounds(rounds)); });
  const double asio_us = bench::best_of(repeats, [&] { return run_asio(rounds); });
  bench::print_row("when_all over 1,000 tasks", "us", corolab_us, asio_us, 0);
}
