// 4. Timers: a million tasks, each sleeping a random short time (0-100 ms).
//
// Reports the total time (from the first spawn until the loop runs dry) and
// the peak memory per task. Each side runs in its own child process, so that
// one's memory peak cannot hide in the other's: memory per task is the
// child's peak resident set (VmHWM) minus its resident set before it created
// any task, divided by the number of tasks. Both sides sleep the same
// durations (the same seed).

#include <sys/wait.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/sleep.hpp>
#include <corolab/task.hpp>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench.hpp"

namespace {

// A field of /proc/self/status, in bytes ("VmRSS", "VmHWM").
double status_bytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) * 1024;
  }
  return 0;
}

std::vector<std::chrono::microseconds> durations(long count, int max_ms) {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<int> micros(0, max_ms * 1000);
  std::vector<std::chrono::microseconds> result;
  result.reserve(static_cast<std::size_t>(count));
  for (long i = 0; i < count; ++i) result.emplace_back(micros(random));
  return result;
}

corolab::Task<void> corolab_sleeper(std::chrono::microseconds duration) {
  co_await corolab::sleep_for(duration);
}

asio::awaitable<void> asio_sleeper(std::chrono::microseconds duration) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

struct Result {
  double seconds;
  double bytes_per_task;
};

Result run_corolab(const std::vector<std::chrono::microseconds>& sleeps) {
  corolab::EventLoop loop;
  const double rss_before = status_bytes("VmRSS");
  const bench::Clock::time_point start = bench::Clock::now();
  for (std::chrono::microseconds duration : sleeps) loop.spawn(corolab_sleeper(duration));
  loop.run();
  const double seconds = bench::seconds_since(start);
  return {seconds, (status_bytes("VmHWM") - rss_before) / static_cast<double>(sleeps.size())};
}

Result run_asio(const std::vector<std::chrono::microseconds>& sleeps) {
  asio::io_context context;
  const double rss_before = status_bytes("VmRSS");
  const bench::Clock::time_point start = bench::Clock::now();
  for (std::chrono::microseconds duration : sleeps) {
    asio::co_spawn(context, asio_sleeper(duration), asio::detached);
  }
  context.run();
  const double seconds = bench::seconds_since(start);
  return {seconds, (status_bytes("VmHWM") - rss_before) / static_cast<double>(sleeps.size())};
}

// Runs `side` in a child process and reads its Result back through a pipe.
template <typename Side>
Result in_child(Side side, const std::vector<std::chrono::microseconds>& sleeps) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    const Result result = side(sleeps);
    if (write(fds[1], &result, sizeof result) != sizeof result) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  Result result{};
  if (read(fds[0], &result, sizeof result) != sizeof result) std::abort();
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::smoke_mode(argc, argv);
  const std::vector<std::chrono::microseconds> sleeps =
      smoke ? durations(10'000, 10) : durations(1'000'000, 100);
  const Result corolab_result = in_child(run_corolab, sleeps);
  const Result asio_result = in_child(run_asio, sleeps);
  const std::string name = std::to_string(sleeps.size()) + " sleeping tasks";
  bench::print_row(name + ": total time", "s", corolab_result.seconds, asio_result.seconds, 6);
  bench::print_row(name + ": peak memory per task", "B", corolab_result.bytes_per_task,
                   asio_result.bytes_per_task, 0, 200);
}
