// Lesson 06's exercise: the tests your scheduler must pass.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
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
  MiniLoop loop;
  loop.spawn(read_one_byte("a", a.ends[0], &log));
  loop.spawn(read_one_byte("b", b.ends[0], &log));
  loop.spawn(write_b_then_a(a.ends[1], b.ends[1], &log));
  loop.run();
  CHECK(log == Log{"wrote to b", "b woke: B", "wrote to a", "a woke: A"});
}

TEST_CASE("destroying the loop destroys the coroutines that never finished") {
  ExpectNoLeaks no_leaks;
  SocketPair never_written;
  {
    MiniLoop loop;
    loop.spawn(waits_forever_holding_a_local(never_written.ends[0]));
    loop.spawn(fails_after_a_yield());
    CHECK_THROWS_WITH(loop.run(), "boom");  // run() stops at the first failure
    CHECK(LifetimeCounter::alive == 1);     // the other one still waits
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
