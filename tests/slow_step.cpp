// The slow-step watchdog: a task that holds the loop longer than
// LoopOptions::slow_step_warning is named on stderr. It measures the real
// time the loop thread was held, so these tests busy-wait for real (30 ms
// against a 10 ms threshold) and check only a lower bound, never speed.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

#include "corolab/corolab.hpp"

using namespace std::chrono_literals;
using corolab::Task;

namespace {

void hold_the_loop(std::chrono::milliseconds how_long) {
  const auto until = std::chrono::steady_clock::now() + how_long;
  while (std::chrono::steady_clock::now() < until) {
  }
}

// Sleeps, then computes for 30 ms without suspending, then yields.
Task<void> busy_after_sleep() {
  co_await corolab::sleep_for(1ms);
  hold_the_loop(30ms);
  co_await corolab::yield();
}

// Computes for 30 ms at its very start, and ends in the same step.
Task<void> busy_from_the_start() {
  hold_the_loop(30ms);
  co_return;
}

Task<void> quick() { co_await corolab::sleep_for(1ms); }

// What the code run by `body` writes to stderr (fd 2).
template <typename Body>
std::string stderr_of(Body body) {
  std::fflush(stderr);
  std::FILE* capture = std::tmpfile();
  REQUIRE(capture != nullptr);
  const int saved = ::dup(2);
  ::dup2(::fileno(capture), 2);
  body();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::rewind(capture);
  std::string text;
  for (int c = std::fgetc(capture); c != EOF; c = std::fgetc(capture)) text += static_cast<char>(c);
  std::fclose(capture);
  return text;
}

corolab::LoopOptions watched(std::optional<corolab::Duration> threshold) {
  corolab::LoopOptions options;  // real time: the watchdog measures the real clock
  options.slow_step_warning = threshold;
  return options;
}

// The milliseconds in "held the loop for 30.1 ms", or -1.
double held_ms(const std::string& line) {
  std::smatch match;
  static const std::regex held(R"(held the loop for ([0-9.]+) ms)");
  return std::regex_search(line, match, held) ? std::stod(match[1]) : -1;
}

}  // namespace

TEST_CASE("a step longer than the threshold is reported with the task's name") {
  const std::string printed = stderr_of([] {
    corolab::EventLoop loop(watched(10ms));
    loop.spawn(busy_after_sleep(), "worker 3");
    loop.spawn(quick(), "quick one");
    loop.run();
  });
  INFO(printed);
  static const std::regex line(
      R"(^corolab: task 'worker 3' held the loop for [0-9]+\.[0-9] ms \(resumed from sleep\)\n$)");
  CHECK(std::regex_match(printed, line));
  CHECK(held_ms(printed) >= 30.0);
}

TEST_CASE("a task that ends in its slow step is still named") {
  const std::string printed = stderr_of([] {
    corolab::EventLoop loop(watched(10ms));
    loop.spawn(busy_from_the_start(), "one-shot");
    loop.run();
  });
  INFO(printed);
  static const std::regex line(
      R"(^corolab: task 'one-shot' \(which ended in that step\) held the loop for )"
      R"([0-9]+\.[0-9] ms \(resumed from its start\)\n$)");
  CHECK(std::regex_match(printed, line));
  CHECK(held_ms(printed) >= 30.0);
}

TEST_CASE("with the watchdog off, nothing is printed") {
  const std::string printed = stderr_of([] {
    corolab::EventLoop loop(watched(std::nullopt));
    loop.spawn(busy_after_sleep(), "worker 3");
    loop.run();
  });
  CHECK(printed.empty());
}

TEST_CASE("COROLAB_SLOW_STEP_MS sets the threshold") {
  ::setenv("COROLAB_SLOW_STEP_MS", "12.5", 1);
  CHECK(corolab::default_slow_step_warning() == std::chrono::microseconds(12500));
  CHECK(corolab::LoopOptions{}.slow_step_warning == std::chrono::microseconds(12500));
  ::setenv("COROLAB_SLOW_STEP_MS", "soon", 1);
  const std::string printed =
      stderr_of([] { CHECK_FALSE(corolab::default_slow_step_warning().has_value()); });
  CHECK(printed == "corolab: COROLAB_SLOW_STEP_MS=soon is not a number of milliseconds\n");
  ::unsetenv("COROLAB_SLOW_STEP_MS");
  CHECK_FALSE(corolab::LoopOptions{}.slow_step_warning.has_value());
}
