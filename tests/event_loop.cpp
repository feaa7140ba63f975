// EventLoop: scheduling order, spawn, run/stop, failures, deadlock
// detection, one loop per thread, time, stop tokens, and every backend.
#include "corolab/event_loop.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <coroutine>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "corolab/cancellation.hpp"
#include "corolab/io_wait.hpp"
#include "corolab/sleep.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/yield.hpp"
#include "lifetime_counter.hpp"
#include "loop_test_support.hpp"

using namespace std::chrono_literals;
using corolab::EventLoop;
using corolab::LoopOptions;
using corolab::sync_wait;
using corolab::Task;

namespace {

// Suspends and keeps the handle nowhere: nothing can ever resume it.
struct NeverResumed {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept {}
};

Task<void> record(std::vector<std::string>* log, std::string entry) {
  log->push_back(std::move(entry));
  co_return;
}

Task<void> record_rounds(std::vector<std::string>* log, std::string name, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    log->push_back(name + std::to_string(i));
    co_await corolab::yield();
  }
}

Task<void> spawns_a_child(std::vector<std::string>* log) {
  EventLoop::current().spawn(record(log, "child"));
  log->push_back("parent after spawn");
  co_await corolab::yield();
  log->push_back("parent after yield");
}

Task<void> sleeps_then_sets(corolab::Duration duration, bool* done) {
  co_await corolab::sleep_for(duration);
  *done = true;
}

// Logs "<name>1", stops the loop if asked, yields, logs "<name>2".
Task<void> two_steps(std::vector<std::string>* log, std::string name, bool stop_loop) {
  LifetimeCounter frame;
  log->push_back(name + "1");
  if (stop_loop) EventLoop::current().stop();
  co_await corolab::yield();
  log->push_back(name + "2");
}

Task<void> sleeps_an_hour() {
  LifetimeCounter frame;
  co_await corolab::sleep_for(1h);
}

Task<void> waits_for_input(int fd) {
  LifetimeCounter frame;
  co_await corolab::wait_readable(fd);
}

Task<void> waits_forever(bool* reached_end) {
  LifetimeCounter frame;
  co_await NeverResumed{};
  *reached_end = true;
}

Task<void> stops_the_loop() {
  co_await corolab::yield();
  EventLoop::current().stop();
}

Task<void> fails_with(std::string message) {
  co_await corolab::yield();
  throw std::runtime_error(message);
}

Task<void> throws_an_int() {
  co_await corolab::yield();
  throw 42;
}

Task<int> forty_two() { co_return 42; }

Task<void> calls_sync_wait_inside_the_loop() {
  co_await corolab::yield();
  [[maybe_unused]] int value = sync_wait(forty_two());
}

Task<void> calls_run_inside_the_loop() {
  co_await corolab::yield();
  EventLoop::current().run();
}

Task<void> record_stop_token(std::stop_token* out) { *out = co_await corolab::get_stop_token{}; }

Task<void> awaits_with_own_token(std::stop_token token, std::stop_token* out) {
  Task<void> child = record_stop_token(out);
  child.set_stop_token(std::move(token));
  co_await std::move(child);
}

Task<void> measures_sleep(corolab::Duration duration, corolab::Duration* elapsed) {
  EventLoop& loop = EventLoop::current();
  const corolab::TimePoint start = loop.now();
  co_await corolab::sleep_for(duration);
  *elapsed = loop.now() - start;
}

Task<void> writes_after_sleep(int fd, std::vector<std::string>* log) {
  co_await corolab::sleep_for(1ms);
  REQUIRE(::write(fd, "x", 1) == 1);
  log->push_back("write");
}

Task<void> reads_when_ready(int fd, std::vector<std::string>* log) {
  co_await corolab::wait_readable(fd);
  char byte = 0;
  REQUIRE(::read(fd, &byte, 1) == 1);
  log->push_back("read");
}

// Redirects the process's stderr (fd 2) to a temporary file.
class CaptureStderr {
 public:
  CaptureStderr() : file_(std::tmpfile()) {
    REQUIRE(file_ != nullptr);
    std::fflush(stderr);
    saved_ = ::dup(STDERR_FILENO);
    REQUIRE(saved_ >= 0);
    REQUIRE(::dup2(::fileno(file_), STDERR_FILENO) == STDERR_FILENO);
  }
  CaptureStderr(const CaptureStderr&) = delete;
  CaptureStderr& operator=(const CaptureStderr&) = delete;
  ~CaptureStderr() {
    restore();
    std::fclose(file_);
  }

  // Stops capturing and returns what was written.
  std::string text() {
    restore();
    std::rewind(file_);
    std::string text;
    char buffer[256];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, file_)) text.append(buffer, n);
    return text;
  }

 private:
  void restore() noexcept {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    saved_ = -1;
  }

  std::FILE* file_;
  int saved_ = -1;
};

}  // namespace

TEST_CASE("spawned tasks start in FIFO order, and yield() takes turns round-robin") {
  EventLoop loop;
  std::vector<std::string> log;
  SECTION("spawn order") {
    for (int i = 0; i < 5; ++i) loop.spawn(record(&log, std::to_string(i)));
    loop.run();
    CHECK(log == std::vector<std::string>{"0", "1", "2", "3", "4"});
  }
  SECTION("yield order") {
    loop.spawn(record_rounds(&log, "a", 3));
    loop.spawn(record_rounds(&log, "b", 3));
    loop.spawn(record_rounds(&log, "c", 3));
    loop.run();
    CHECK(log == std::vector<std::string>{"a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2"});
  }
}

TEST_CASE("spawn is deferred: a spawned task does not run until the loop runs it") {
  EventLoop loop;
  std::vector<std::string> log;
  loop.spawn(record(&log, "spawned"));
  CHECK(log.empty());
  CHECK(loop.spawned_task_count() == 1);
  loop.run();
  CHECK(log == std::vector<std::string>{"spawned"});
  CHECK(loop.spawned_task_count() == 0);

  // Spawned from inside a task, it waits for the spawner's next suspension.
  log.clear();
  loop.spawn(spawns_a_child(&log));
  loop.run();
  CHECK(log == std::vector<std::string>{"parent after spawn", "child", "parent after yield"});
}

TEST_CASE("run() returns when nothing is left to do") {
  EventLoop loop(LoopOptions::virtual_time());
  loop.run();  // no work at all
  bool done = false;
  const corolab::TimePoint start = loop.now();
  loop.spawn(sleeps_then_sets(2ms, &done));
  loop.run();  // waits for the timer, then runs out of work
  CHECK(done);
  CHECK(loop.spawned_task_count() == 0);
  CHECK(loop.now() == start + 2ms);
}

TEST_CASE("stop() makes run() return at the end of the tick, with tasks still pending") {
  ExpectNoLeaks no_leaks;
  std::vector<std::string> log;
  {
    EventLoop loop;
    loop.spawn(two_steps(&log, "a", true));
    loop.spawn(two_steps(&log, "b", false));
    loop.run();
    CHECK(log == std::vector<std::string>{"a1", "b1"});  // the whole tick ran
    CHECK(loop.spawned_task_count() == 2);
    CHECK(LifetimeCounter::alive == no_leaks.alive_before + 2);

    SECTION("run() again carries on") {
      loop.run();
      CHECK(log == std::vector<std::string>{"a1", "b1", "a2", "b2"});
      CHECK(loop.spawned_task_count() == 0);
    }
    SECTION("destroying the loop destroys the suspended tasks") {}
  }
  CHECK(LifetimeCounter::alive == no_leaks.alive_before);
}

// The tick that calls stop() must not then block in the reactor: with only a
// sleeping task and an I/O wait left, run() would otherwise wait for them.
TEST_CASE("stop() returns from run() even while tasks wait for a timer or for I/O") {
  ExpectNoLeaks no_leaks;
  FdPair pipe = FdPair::pipe();  // nobody writes to it
  bool reached_end = false;
  {
    EventLoop loop;
    loop.spawn(sleeps_an_hour());
    loop.spawn(waits_for_input(pipe.read_fd()));
    loop.spawn(waits_forever(&reached_end));
    loop.spawn(stops_the_loop());
    loop.run();
    CHECK(loop.spawned_task_count() == 3);
    CHECK(LifetimeCounter::alive == no_leaks.alive_before + 3);
  }
  CHECK(LifetimeCounter::alive == no_leaks.alive_before);
  CHECK_FALSE(reached_end);
}

TEST_CASE(
    "an exception escaping a spawned task is reported with its name and rethrown from run()") {
  EventLoop loop;
  std::vector<std::string> log;
  loop.spawn(record_rounds(&log, "other", 3));
  SECTION("a std::exception") {
    loop.spawn(fails_with("boom"), "the-failing-task");
    CaptureStderr capture;
    CHECK_THROWS_WITH(loop.run(), "boom");
    CHECK_THAT(capture.text(), Catch::Contains("task 'the-failing-task' failed: boom"));
  }
  SECTION("anything else") {
    loop.spawn(throws_an_int(), "throws-int");
    CaptureStderr capture;
    CHECK_THROWS_AS(loop.run(), int);
    CHECK_THAT(capture.text(), Catch::Contains("task 'throws-int' failed"));
  }
  // The failure stopped run(); the other task is still there and finishes.
  CHECK(loop.spawned_task_count() == 1);
  loop.run();
  CHECK(log == std::vector<std::string>{"other0", "other1", "other2"});
}

TEST_CASE("sync_wait on a task that nothing can resume throws a deadlock error") {
  ExpectNoLeaks no_leaks;
  bool reached_end = false;
  SECTION("with a temporary loop") {
    CHECK_THROWS_AS(sync_wait(waits_forever(&reached_end)), std::logic_error);
    CHECK_THROWS_WITH(sync_wait(waits_forever(&reached_end)), Catch::Contains("deadlock"));
  }
  SECTION("on the thread's loop, which stays usable") {
    EventLoop loop;
    CHECK_THROWS_WITH(sync_wait(waits_forever(&reached_end)), Catch::Contains("deadlock"));
    CHECK(sync_wait(forty_two()) == 42);
  }
  CHECK_FALSE(reached_end);
}

TEST_CASE("sync_wait or run() inside the running loop throws std::logic_error") {
  EventLoop loop;
  SECTION("sync_wait") {
    loop.spawn(calls_sync_wait_inside_the_loop());
    CHECK_THROWS_AS(loop.run(), std::logic_error);
    loop.spawn(calls_sync_wait_inside_the_loop());
    CHECK_THROWS_WITH(loop.run(), Catch::Contains("inside the running loop"));
  }
  SECTION("run()") {
    loop.spawn(calls_run_inside_the_loop());
    CHECK_THROWS_AS(loop.run(), std::logic_error);
    loop.spawn(calls_run_inside_the_loop());
    CHECK_THROWS_WITH(loop.run(), Catch::Contains("inside the running loop"));
  }
  CHECK(sync_wait(forty_two()) == 42);  // the loop is still usable
}

TEST_CASE("one event loop per thread") {
  REQUIRE(EventLoop::current_or_null() == nullptr);
  {
    EventLoop loop;
    CHECK(&EventLoop::current() == &loop);
    CHECK(EventLoop::current_or_null() == &loop);
    CHECK_THROWS_AS(EventLoop{}, std::logic_error);
    CHECK_THROWS_WITH(EventLoop{}, Catch::Contains("one loop per thread"));
    CHECK(&EventLoop::current() == &loop);  // the failed constructions changed nothing

    // Another thread starts without a loop and can have its own.
    bool other_thread_had_no_loop = false;
    bool other_loop_is_its_own = false;
    int other_result = 0;
    std::exception_ptr other_error;
    std::thread other([&] {
      try {
        other_thread_had_no_loop = EventLoop::current_or_null() == nullptr;
        EventLoop own;
        other_loop_is_its_own = &EventLoop::current() == &own;
        other_result = sync_wait(forty_two());
      } catch (...) {
        other_error = std::current_exception();
      }
    });
    other.join();
    CHECK_FALSE(other_error);
    CHECK(other_thread_had_no_loop);
    CHECK(other_loop_is_its_own);
    CHECK(other_result == 42);
    CHECK(&EventLoop::current() == &loop);
  }
  CHECK(EventLoop::current_or_null() == nullptr);
  EventLoop next;  // the thread can have a loop again
  CHECK(&EventLoop::current() == &next);
}

TEST_CASE("EventLoop::current() throws std::logic_error when the thread has no loop") {
  REQUIRE(EventLoop::current_or_null() == nullptr);
  CHECK_THROWS_AS(EventLoop::current(), std::logic_error);
  CHECK_THROWS_WITH(EventLoop::current(), Catch::Contains("no event loop"));
}

// The real clock's monotonicity, then a sleep on virtual time. (That a real
// sleep lasts at least its duration is tested in timers.cpp.)
TEST_CASE(
    "now() is monotonic, and a sleep moves it forward by exactly its duration on virtual time") {
  {
    EventLoop loop;
    corolab::TimePoint previous = loop.now();
    bool monotonic = true;
    for (int i = 0; i < 10'000; ++i) {
      const corolab::TimePoint current = loop.now();
      monotonic = monotonic && current >= previous;
      previous = current;
    }
    CHECK(monotonic);
  }
  EventLoop loop(LoopOptions::virtual_time());
  corolab::Duration elapsed{};
  sync_wait(measures_sleep(3ms, &elapsed));
  CHECK(elapsed == 3ms);
}

TEST_CASE("get_stop_token() gives an empty token at top level, and a task's own token below it") {
  EventLoop loop;
  std::stop_token token;
  SECTION("sync_wait") {
    sync_wait(record_stop_token(&token));
    CHECK_FALSE(token.stop_possible());
  }
  SECTION("spawn") {
    loop.spawn(record_stop_token(&token));
    loop.run();
    CHECK_FALSE(token.stop_possible());
  }
  SECTION("an awaited task given its own token (and its children) see that token") {
    std::stop_source source;
    source.request_stop();
    sync_wait(awaits_with_own_token(source.get_token(), &token));
    CHECK(token.stop_possible());
    CHECK(token.stop_requested());
  }
}

// Task::set_stop_token: "give this task its own stop token instead of
// inheriting the awaiter's". That must hold for the root of spawn and
// sync_wait too, which have no token of their own to pass down.
TEST_CASE("a spawned or sync_waited task keeps the stop token given with set_stop_token") {
  EventLoop loop;
  std::stop_source source;
  std::stop_token token;
  Task<void> task = record_stop_token(&token);
  task.set_stop_token(source.get_token());
  SECTION("spawn") {
    loop.spawn(std::move(task));
    loop.run();
  }
  SECTION("sync_wait") { sync_wait(std::move(task)); }
  CHECK(token.stop_possible());
  CHECK(token == source.get_token());
}

TEST_CASE("the loop works with every available reactor backend") {
  const auto kind = GENERATE(from_range(corolab::available_reactor_kinds()));
  INFO("reactor: " << corolab::to_string(kind));
  FdPair pipe = FdPair::pipe();
  LoopOptions options = LoopOptions::virtual_time();
  options.reactor = kind;
  EventLoop loop(options);
  CHECK(loop.reactor().kind() == kind);
  const corolab::TimePoint start = loop.now();

  std::vector<std::string> io_log;
  std::vector<std::string> turns;
  bool slept = false;
  loop.spawn(reads_when_ready(pipe.read_fd(), &io_log));
  loop.spawn(writes_after_sleep(pipe.write_fd(), &io_log));
  loop.spawn(record_rounds(&turns, "y", 3));
  loop.spawn(sleeps_then_sets(2ms, &slept));
  loop.run();
  CHECK(io_log == std::vector<std::string>{"write", "read"});
  CHECK(turns == std::vector<std::string>{"y0", "y1", "y2"});
  CHECK(slept);
  CHECK(loop.now() == start + 2ms);
  CHECK(loop.spawned_task_count() == 0);
  CHECK(loop.reactor().watch_count() == 0);
}

namespace {
corolab::Task<void> set_true(bool* flag) {
  *flag = true;
  co_return;
}
}  // namespace

// stop() before run(): run() returns at once; the next run() does the work.
TEST_CASE("stop() made before run() is honoured, and only once") {
  corolab::EventLoop loop;
  bool ran = false;
  loop.spawn(set_true(&ran));
  loop.stop();
  loop.run();
  CHECK_FALSE(ran);
  loop.run();
  CHECK(ran);
}
