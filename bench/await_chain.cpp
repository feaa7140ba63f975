// 1. Await chain: create, co_await and destroy a trivial child task.
//
// The child returns at once, so this measures the bare cost of an await:
// allocating the child's frame, the symmetric transfer into it and back, and
// freeing the frame. Asio: the same loop over asio::awaitable<int>.

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <corolab/sync_wait.hpp>
#include <corolab/task.hpp>

#include "bench.hpp"

namespace {

corolab::Task<int> corolab_child() { co_return 1; }

// Returns nanoseconds per await.
corolab::Task<double> corolab_chain(long count) {
  long sum = 0;
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) {
    const int value = co_await corolab_child();
    sum += value;
  }
  const double elapsed = bench::seconds_since(start);
  if (sum != count) throw std::logic_error("await chain: wrong sum");
  co_return elapsed * 1e9 / static_cast<double>(count);
}

asio::awaitable<int> asio_child() { co_return 1; }

asio::awaitable<void> asio_chain(long count, double* ns_per_await) {
  long sum = 0;
  const bench::Clock::time_point start = bench::Clock::now();
  for (long i = 0; i < count; ++i) {
    const int value = co_await asio_child();
    sum += value;
  }
  const double elapsed = bench::seconds_since(start);
  if (sum != count) throw std::logic_error("await chain: wrong sum");
  *ns_per_await = elapsed * 1e9 / static_cast<double>(count);
}

double run_asio(long count) {
  asio::io_context context;
  double ns_per_await = 0;
  asio::co_spawn(context, asio_chain(count, &ns_per_await), asio::detached);
  context.run();
  return ns_per_await;
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::smoke_mode(argc, argv);
  const long count = smoke ? 10'000 : 10'000'000;
  const int repeats = smoke ? 1 : 5;
  const double corolab_ns =
      bench::best_of(repeats, [&] { return corolab::sync_wait(corolab_chain(count)); });
  const double asio_ns = bench::best_of(repeats, [&] { return run_asio(count); });
  bench::print_row("await chain (create + await + destroy)", "ns", corolab_ns, asio_ns, 3, 10);
}
