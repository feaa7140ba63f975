// Lesson 13 stage: a loop that blocks, and the same work off the loop.
//
//   1. On the loop thread. A heartbeat ticks every 10 ms; a checksum task
//      reads a 48 MiB file and hashes it in one step. Nothing else runs
//      meanwhile: the heartbeat's longest gap is the checksum's time, and the
//      slow-step watchdog (on here at 50 ms) names the task that held the loop.
//   2. On the pool. The same checksum through run_blocking (yours, once you
//      have started the lesson): the heartbeat keeps its beat. Halfway, the
//      stage sends itself SIGQUIT, as `kill -QUIT <pid>` would, and a task
//      dump says what every task waits for.
#include <fmt/core.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "blocking_call.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task.hpp"
#include "corolab/task_dump.hpp"
#include "corolab/task_group.hpp"

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::EventLoop;
using corolab::Task;
using corolab::TaskGroup;
using corolab::TimePoint;

namespace {

TimePoint start;  // when the current part began

double ms(Duration duration) { return std::chrono::duration<double, std::milli>(duration).count(); }

// (Flushed at once, so that the watchdog's lines on stderr land in order.)
void say(std::string_view who, std::string_view what) {
  fmt::print("{:7.1f} ms  {:<9} {}\n", ms(EventLoop::current().now() - start), who, what);
  std::fflush(stdout);
}

// --- the work: a file's checksum, with blocking reads ----------------------

// A temporary file of `mebibytes` MiB: a regular file, whose reads block.
std::unique_ptr<std::FILE, decltype(&std::fclose)> make_file(int mebibytes) {
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::tmpfile(), &std::fclose);
  if (!file) throw std::runtime_error("tmpfile failed");
  std::vector<unsigned char> chunk(1 << 20);
  for (int i = 0; i < mebibytes; ++i) {
    for (std::size_t j = 0; j < chunk.size(); ++j) chunk[j] = static_cast<unsigned char>(i + j);
    std::fwrite(chunk.data(), 1, chunk.size(), file.get());
  }
  std::fflush(file.get());
  return file;
}

// FNV-1a over the whole file: blocking reads and a CPU-heavy loop, the two
// kinds of step a loop must not take.
std::uint64_t checksum(std::FILE* file) {
  std::rewind(file);
  std::uint64_t hash = 0xcbf29ce484222325;
  std::vector<unsigned char> buffer(64 * 1024);
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file)) {
    for (std::size_t i = 0; i < n; ++i) hash = (hash ^ buffer[i]) * 0x100000001b3;
  }
  return hash;
}

// --- 1 and 2: a heartbeat next to the checksum -----------------------------

struct Heartbeat {
  bool work_done = false;
  int ticks = 0;
  Duration longest_gap{};
};

// Ticks every 10 ms until the work is done, and notes the longest gap.
Task<void> heartbeat(Heartbeat* beat) {
  TimePoint last = EventLoop::current().now();
  while (!beat->work_done) {
    co_await corolab::sleep_for(10ms);
    const TimePoint now = EventLoop::current().now();
    beat->longest_gap = std::max(beat->longest_gap, now - last);
    last = now;
    ++beat->ticks;
  }
}

Task<void> checksum_on_the_loop(std::FILE* file, Heartbeat* beat) {
  co_await corolab::sleep_for(30ms);  // the file "arrives"
  const TimePoint began = EventLoop::current().now();
  const std::uint64_t sum = checksum(file);  // blocks the loop thread
  say("checksum", fmt::format("{:016x}, on the loop thread, in {:.0f} ms", sum,
                              ms(EventLoop::current().now() - began)));
  beat->work_done = true;
}

Task<void> checksum_on_the_pool(std::FILE* file, Heartbeat* beat) {
  co_await corolab::sleep_for(30ms);
  const TimePoint began = EventLoop::current().now();
  const std::uint64_t sum = co_await lesson13::run_blocking([file] { return checksum(file); });
  say("checksum", fmt::format("{:016x}, on a pool thread, in {:.0f} ms", sum,
                              ms(EventLoop::current().now() - began)));
  beat->work_done = true;
}

void report(const Heartbeat& beat) {
  say("heartbeat", fmt::format("{} ticks; the longest gap between two: {:.1f} ms", beat.ticks,
                               ms(beat.longest_gap)));
}

Task<void> part_1(std::FILE* file) {
  Heartbeat beat;
  TaskGroup group;
  group.spawn(heartbeat(&beat), "heartbeat");
  group.spawn(checksum_on_the_loop(file, &beat), "checksum");
  co_await group.join();
  report(beat);
}

Task<void> send_sigquit_after(Duration delay) {
  co_await corolab::sleep_for(delay);
  say("stage", "raise(SIGQUIT): the dump comes from the loop thread, between two steps");
  std::raise(SIGQUIT);
}

Task<void> part_2(std::FILE* file) {
  Heartbeat beat;
  TaskGroup helpers;  // the dump waits for signals until cancelled
  helpers.spawn(corolab::dump_tasks_on(SIGQUIT, stdout), "task dump (SIGQUIT)");
  helpers.spawn(send_sigquit_after(40ms), "quitter");
  TaskGroup group;
  group.spawn(heartbeat(&beat), "heartbeat");
  group.spawn(checksum_on_the_pool(file, &beat), "checksum");
  co_await group.join();
  report(beat);
  helpers.cancel();
  co_await helpers.join();
}

}  // namespace

int main() {
  const auto file = make_file(48);

  corolab::LoopOptions options;
  options.slow_step_warning = 50ms;  // as COROLAB_SLOW_STEP_MS=50 would
  EventLoop loop(options);

  fmt::print("1. On the loop thread: a 48 MiB checksum, in one step\n");
  start = loop.now();
  corolab::sync_wait(part_1(file.get()));

  fmt::print("\n2. On the pool, through run_blocking; SIGQUIT halfway\n");
  start = loop.now();
  corolab::sync_wait(part_2(file.get()));
}
