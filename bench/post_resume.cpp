// 2. Post and resume: a task hands control back to the scheduler and is
// resumed by it.
//
// corolab: `co_await corolab::yield()` (to the back of the ready queue).
// Asio: `co_await asio::post(executor, asio::use_awaitable)`, the usual way
// to yield in Asio's coroutines (the io_context queues a completion handler
// that resumes the coroutine).

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/task.hpp>
#include <corolab/yield.hpp>

#include "bench.hpp"

namespace {

corolab::Task<double> corolab_yields(long count) {
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) co_await corolab::yield();
  co_return bench::seconds_since(start) * 1e9 / static_cast<double>(count);
}

asio::awaitable<void> asio_yields(long count, double* ns_per_round_trip) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) co_await asio::post(executor, asio::use_awaitable);
  *ns_per_round_trip = bench::seconds_since(start) * 1e9 / static_cast<double>(count);
}

double run_asio(long count) {
  asio::io_context context;
  double ns = 0;
  asio::co_spawn(context, asio_yields(count, &ns), asio::detached);
  context.run();
  return ns;
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::smoke_mode(argc, argv);
  const long count = smoke ? 10'000 : 5'000'000;
  const int repeats = smoke ? 1 : 5;
  const double corolab_ns =
      bench::best_of(repeats, [&] { return corolab::sync_wait(corolab_yields(count)); });
  const double asio_ns = bench::best_of(repeats, [&] { return run_asio(count); });
  bench::print_row("post and resume (yield round trip)", "ns", corolab_ns, asio_ns, 10);
}
