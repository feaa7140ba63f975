// Lesson 06's exercise: the tests your scheduler must pass.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <coroutine>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "background_site.hpp"
#include "fetch.hpp"
#include "lifetime_counter.hpp"
#include "mini_loop.hpp"

using corolab::Task;
using lesson06::MiniLoop;

namespace {

using Log = std::vector<std::string>;

Task<void> take_turns(std::string name, Log* log) {
  for (int turn = 0; turn < 3; ++turn) {
    log->push_back(name + std::to_string(turn));
    co_await lesson06::yield();
  }
}

Task<void> record(std::string name, Log* log) {
  log->push_back(name);
  co_return;
}

Task<int> forty_two_after_a_yield() {
  co_await lesson06::yield();
  co_return 42;
}

Task<int> add_one(Task<int> inner) {
  int value = co_await std::move(inner);
  co_return value + 1;
}

Task<int> throws_after_a_yield() {
  co_await lesson06::yield();
  throw std::runtime_error("boom");
}

Task<void> fails_after_a_yield() {
  co_await lesson06::yield();
  throw std::runtime_error("boom");
}

Task<void> waits_forever_holding_a_local(int fd) {
  LifetimeCounter local;
  co_await lesson06::wait_readable(fd);
}

// Waits until `fd` is readable, then logs what it read.
Task<void> read_one_byte(std::string name, int fd, Log* log) {
  co_await lesson06::wait_readable(fd);
  char byte = '?';
  if (::read(fd, &byte, 1) != 1) throw std::runtime_error(name + ": read failed");
  log->push_back(name + " woke: " + byte);
}

// Writes to b, lets the loop go round twice, then writes to a.
Task<void> write_b_then_a(int a, int b, Log* log) {
  co_await lesson06::yield();
  log->push_back("wrote to b");
  if (::write(b, "B", 1) != 1) throw std::runtime_error("write to b failed");
  co_await lesson06::yield();
  co_await lesson06::yield();
  log->push_back("wrote to a");
  if (::write(a, "A", 1) != 1) throw std::runtime_error("write to a failed");
}

// Two connected sockets that close themselves.
struct SocketPair {
  int ends[2] = {-1, -1};
  SocketPair() {
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) == -1)
      throw std::runtime_error("socketpair failed");
  }
  ~SocketPair() {
    ::close(ends[0]);
    ::close(ends[1]);
  }
};

// A pipe whose ends close themselves, unless a test closed them first.
struct Pipe {
  int read_end = -1, write_end = -1;
  Pipe() {
    int ends[2];
    if (::pipe2(ends, O_NONBLOCK) == -1) throw std::runtime_error("pipe2 failed");
    read_end = ends[0];
    write_end = ends[1];
  }
  ~Pipe() {
    close_end(read_end);
    close_end(write_end);
  }
  static void close_end(int& fd) {
    if (fd != -1) ::close(fd);
    fd = -1;
  }
};

// Yields until `*done`. A loop with a mistake in it could go round forever
// instead: after `rounds` turns, this one gives up and throws `complaint`.
Task<void> watchdog(const bool* done, int rounds, std::string complaint) {
  for (int turn = 0; !*done; ++turn) {
    if (turn == rounds) throw std::runtime_error(complaint);
    co_await lesson06::yield();
  }
}

// Waits until `fd` is readable, then says so.
Task<void> wake_on_readable(int fd, bool* woken) {
  co_await lesson06::wait_readable(fd);
  *woken = true;
}

// Waits until `fd` is writable, then says so.
Task<void> wake_on_writable(int fd, bool* woken) {
  co_await lesson06::wait_writable(fd);
  *woken = true;
}

Task<void> write_after_yields(int fd, int yields, Log* log) {
  for (int turn = 0; turn < yields; ++turn) {
    co_await lesson06::yield();
  }
  log->push_back("wrote W");
  if (::write(fd, "W", 1) != 1) throw std::runtime_error("write failed");
}

// Writes `byte` to `fd` after `delay`, unless stopped first: the way out for
// a loop that sleeps in poll() when it should not.
std::jthread write_later(int fd, char byte, std::chrono::milliseconds delay) {
  return std::jthread([fd, byte, delay](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any stopped;
    std::unique_lock lock(mutex);
    stopped.wait_for(lock, stop, delay, [] { return false; });  // until stopped, or the delay
    if (stop.stop_requested()) return;
    if (::write(fd, &byte, 1) != 1) std::perror("write_later");
  });
}

Task<void> suspends_for_nothing(bool* suspended) {
  LifetimeCounter local;
  *suspended = true;
  co_await std::suspend_always{};  // nobody will ever resume it
}

Task<int> never_returns() {
  co_await std::suspend_always{};
  co_return 1;
}

struct InFlight {
  int now = 0;
  int most = 0;
};

Task<void> fetch_counted(std::uint16_t port, std::string path, lesson06::Page* page,
                         InFlight* in_flight) {
  ++in_flight->now;
  in_flight->most = std::max(in_flight->most, in_flight->now);
  *page = co_await lesson06::fetch(port, path);
  --in_flight->now;
}

}  // namespace

TEST_CASE("spawned tasks run in the order they were spawned") {
  Log log;
  MiniLoop loop;
  loop.spawn(record("first", &log));
  loop.spawn(record("second", &log));
  loop.spawn(record("third", &log));
  CHECK(log.empty());  // spawn only queues them: run() starts them
  loop.run();
  CHECK(log == Log{"first", "second", "third"});
}

TEST_CASE("yield interleaves two tasks in FIFO order") {
  Log log;
  MiniLoop loop;
  loop.spawn(take_turns("a", &log));
  loop.spawn(take_turns("b", &log));
  loop.run();
  CHECK(log == Log{"a0", "b0", "a1", "b1", "a2", "b2"});
}

TEST_CASE("sync_wait returns the task's value") {
  CHECK(lesson06::sync_wait(forty_two_after_a_yield()) == 42);
  CHECK(lesson06::sync_wait(add_one(add_one(forty_two_after_a_yield()))) == 44);
}

TEST_CASE("sync_wait rethrows the task's exception") {
  CHECK_THROWS_WITH(lesson06::sync_wait(throws_after_a_yield()), "boom");
}

TEST_CASE("a readable wait wakes the coroutine waiting on that file descriptor") {
  SocketPair a, b;
  Log log;
  // A loop that sleeps in poll() while the writer is ready would wait here
  // forever: this thread's byte, a second later, lets the test say so.
  std::jthread rescue = write_later(a.ends[1], 'T', std::chrono::seconds(1));
  MiniLoop loop;
  loop.spawn(read_one_byte("a", a.ends[0], &log));
  loop.spawn(read_one_byte("b", b.ends[0], &log));
  loop.spawn(write_b_then_a(a.ends[1], b.ends[1], &log));
  loop.run();
  INFO(
      "'a woke: T': the loop slept in poll() while a coroutine was ready, until the test's "
      "thread wrote T a second later");
  CHECK(log == Log{"wrote to b", "b woke: B", "wrote to a", "a woke: A"});
}

TEST_CASE("poll() does not sleep while a coroutine is ready to run") {
  SocketPair pair;
  Log log;
  {
    // If the loop slept in poll() while the writer was ready, only this
    // thread's byte, a second later, would wake it.
    std::jthread rescue = write_later(pair.ends[1], 'T', std::chrono::seconds(1));
    MiniLoop loop;
    loop.spawn(read_one_byte("reader", pair.ends[0], &log));
    loop.spawn(write_after_yields(pair.ends[1], 3, &log));
    loop.run();
  }
  INFO("'reader woke: T' first: the loop slept in poll() while a coroutine was ready");
  CHECK(log == Log{"wrote W", "reader woke: W"});
}

TEST_CASE("a coroutine that keeps yielding does not starve one waiting for I/O") {
  SocketPair pair;
  REQUIRE(::write(pair.ends[1], "X", 1) == 1);  // readable from the start
  bool woken = false;
  MiniLoop loop;
  loop.spawn(wake_on_readable(pair.ends[0], &woken));
  loop.spawn(watchdog(&woken, 1000,
                      "1000 yields, and the readable socket's waiter never woke: does "
                      "run_ready_coroutines also run the coroutines made ready during its batch?"));
  loop.run();
  CHECK(woken);
}

TEST_CASE("a hang-up or an error on the descriptor wakes its waiter") {
  Pipe pipe;
  bool woken = false;
  MiniLoop loop;
  SECTION("POLLHUP: the writer closed an empty pipe (poll says POLLHUP, not POLLIN)") {
    Pipe::close_end(pipe.write_end);
    loop.spawn(wake_on_readable(pipe.read_end, &woken));
  }
  SECTION("POLLERR: the reader closed a full pipe (poll says POLLERR, not POLLOUT)") {
    char block[4096] = {};
    while (::write(pipe.write_end, block, sizeof block) > 0) {
    }
    Pipe::close_end(pipe.read_end);
    loop.spawn(wake_on_writable(pipe.write_end, &woken));
  }
  loop.spawn(watchdog(&woken, 1000,
                      "1000 rounds, and the waiter never woke: poll() reports POLLHUP and "
                      "POLLERR even when they were not asked for"));
  loop.run();
  CHECK(woken);
}

TEST_CASE("a task that nothing can resume is a deadlock, reported by run()") {
  ExpectNoLeaks no_leaks;
  SECTION("run() throws, instead of returning as if all was done") {
    Log log;
    bool suspended = false;
    MiniLoop loop;
    loop.spawn(record("finishes", &log));
    loop.spawn(suspends_for_nothing(&suspended));
    CHECK_THROWS_WITH(loop.run(), Catch::Contains("deadlock"));
    CHECK(suspended);
    CHECK(log == Log{"finishes"});
  }
  SECTION("so does sync_wait") {
    CHECK_THROWS_WITH(lesson06::sync_wait(never_returns()), Catch::Contains("deadlock"));
  }
}

TEST_CASE("destroying the loop destroys the coroutines that never finished") {
  ExpectNoLeaks no_leaks;
  SocketPair written_late;
  {
    // If run() went on after the failure, the waiter would wait forever:
    // this thread's byte, a second later, wakes it, and the test says so.
    std::jthread rescue = write_later(written_late.ends[1], 'T', std::chrono::seconds(1));
    MiniLoop loop;
    loop.spawn(waits_forever_holding_a_local(written_late.ends[0]));
    loop.spawn(fails_after_a_yield());
    CHECK_THROWS_WITH(loop.run(), "boom");  // run() stops at the first failure
    INFO(
        "none still waits: did run() go on after the failure, or sleep in poll() while a "
        "coroutine was ready, until the test's thread wrote a second later?");
    CHECK(LifetimeCounter::alive == 1);  // the other one still waits
  }
  CHECK(LifetimeCounter::alive == 0);
}

TEST_CASE("fetching demo pages concurrently: all at once, on one thread") {
  corolab::demo_site::SiteOptions options;
  options.pages = 20;
  BackgroundSite site(options);
  constexpr int count = 8;
  const std::vector<std::string> paths = site.page_paths(count);

  std::vector<lesson06::Page> pages(count);
  InFlight in_flight;
  MiniLoop loop;
  for (int i = 0; i < count; ++i) {
    loop.spawn(fetch_counted(site.port(), paths[i], &pages[i], &in_flight));
  }
  loop.run();

  for (int i = 0; i < count; ++i) {
    INFO(paths[i]);
    CHECK(pages[i].path == paths[i]);
    CHECK(pages[i].status == 200);
    CHECK(pages[i].body.find("<html") != std::string::npos);
  }
  // Every fetch had started before any finished: none waited for another.
  CHECK(in_flight.most == count);
  CHECK(in_flight.now == 0);
}
