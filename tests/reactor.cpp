// Reactors: I/O waits on every backend (readiness, both directions, hang-up,
// errors, level-triggered readiness, cancellation, destruction, fd reuse),
// wake() from another thread, and the COROLAB_REACTOR environment variable.
#include "corolab/reactor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "corolab/event_loop.hpp"
#include "corolab/io_wait.hpp"
#include "corolab/sleep.hpp"
#include "corolab/yield.hpp"
#include "lifetime_counter.hpp"
#include "loop_test_support.hpp"

using namespace std::chrono_literals;
using corolab::EventLoop;
using corolab::OperationCancelled;
using corolab::ReactorKind;
using corolab::Task;

namespace {

using Log = std::vector<std::string>;

corolab::Reactor& current_reactor() { return EventLoop::current().reactor(); }

void write_byte(int fd) { REQUIRE(::write(fd, "x", 1) == 1); }

void make_nonblocking(int fd) {
  REQUIRE(::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) == 0);
}

// Writes until the pipe is full (the fd is made non-blocking).
void fill(int fd) {
  make_nonblocking(fd);
  char block[4096] = {};
  while (::write(fd, block, sizeof block) > 0) {
  }
}

Task<void> read_when_ready(int fd, Log* log) {
  co_await corolab::wait_readable(fd);
  char byte = 0;
  const ssize_t n = ::read(fd, &byte, 1);
  log->push_back(n == 1 ? "read" : n == 0 ? "end of file" : "read error");
}

Task<void> write_after_sleep(int fd, Log* log) {
  co_await corolab::sleep_for(2ms);
  log->push_back("write");
  write_byte(fd);
}

Task<void> wait_writable_and_log(int fd, Log* log) {
  co_await corolab::wait_writable(fd);
  log->push_back("writable");
}

// Waits until `fd` is writable, then writes to `peer`, which makes the
// other end of a socketpair (the fd someone reads) readable.
Task<void> writable_then_write_peer(int fd, int peer, Log* log, std::size_t* watches_left) {
  co_await corolab::wait_writable(fd);
  log->push_back("writable");
  *watches_left = current_reactor().watch_count();  // the reader's
  write_byte(peer);
}

Task<void> close_write_end_after_sleep(FdPair* pipe, Log* log) {
  co_await corolab::sleep_for(2ms);
  log->push_back("closed");
  pipe->close_write();
}

// Logs how a read wait ends: data, or cancellation.
Task<void> read_or_cancelled(int fd, Log* log) {
  LifetimeCounter frame;
  try {
    co_await read_when_ready(fd, log);
  } catch (const OperationCancelled&) {
    log->push_back("cancelled");
  }
}

void spawn_with_token(EventLoop& loop, Task<void> task, std::stop_token token) {
  task.set_stop_token(std::move(token));
  loop.spawn(std::move(task));
}

Task<void> request_stop_after_yield(std::stop_source* source, std::size_t* watches_before) {
  co_await corolab::yield();
  *watches_before = current_reactor().watch_count();
  source->request_stop();
}

// The data is written before each wait below, so a working reactor reports
// it at the next poll, one tick later. If a watch got lost, cancel the wait
// after 100 ticks, so the test fails instead of waiting forever.
Task<void> cancel_unless_done_within_ticks(int ticks, const bool* done, std::stop_source* source) {
  for (int i = 0; i < ticks && !*done; ++i) co_await corolab::yield();
  if (!*done) source->request_stop();
}

Task<void> forget_after_yield(int first_fd, int second_fd, std::size_t* watches_before,
                              std::size_t* watches_after) {
  co_await corolab::yield();
  corolab::Reactor& reactor = current_reactor();
  *watches_before = reactor.watch_count();
  reactor.forget(first_fd);
  reactor.forget(second_fd);
  *watches_after = reactor.watch_count();
}

struct ReuseOutcome {
  int first_fd = -1;
  int reused_fd = -1;
  Log log;
  bool done = false;
};

// Round 1: a watch on one pipe (or socket) fires; then the fds are closed,
// with or without forget(). Round 2: a new pipe gets the same fd number,
// and a read wait on it must work.
enum class FirstWatch { read_on_pipe, write_on_socket };

Task<void> reuse_fd_number(FirstWatch first, bool call_forget, FdPair* second,
                           ReuseOutcome* outcome) {
  FdPair first_pair = first == FirstWatch::read_on_pipe ? FdPair::pipe() : FdPair::socketpair();
  outcome->first_fd = first_pair.read_fd();
  if (first == FirstWatch::read_on_pipe) {
    write_byte(first_pair.write_fd());
    co_await read_when_ready(first_pair.read_fd(), &outcome->log);
  } else {
    co_await wait_writable_and_log(first_pair.read_fd(),
                                   &outcome->log);  // a socket end, writable at once
  }
  if (call_forget) current_reactor().forget(first_pair.read_fd());
  first_pair.close_both();

  *second = FdPair::pipe();
  outcome->reused_fd = second->read_fd();
  write_byte(second->write_fd());
  co_await read_when_ready(second->read_fd(), &outcome->log);
  outcome->done = true;
}

Task<void> reuse_scenario(FirstWatch first, bool call_forget, FdPair* second,
                          ReuseOutcome* outcome) {
  try {
    co_await reuse_fd_number(first, call_forget, second, outcome);
  } catch (const OperationCancelled&) {
    outcome->log.push_back("gave up: the reused fd never became ready");
  }
}

void run_reuse_scenario(ReactorKind kind, FirstWatch first, bool call_forget) {
  FdPair second;
  EventLoop loop{kind};
  ReuseOutcome outcome;
  std::stop_source give_up;
  spawn_with_token(loop, reuse_scenario(first, call_forget, &second, &outcome),
                   give_up.get_token());
  loop.spawn(cancel_unless_done_within_ticks(100, &outcome.done, &give_up));
  loop.run();
  REQUIRE(outcome.reused_fd == outcome.first_fd);  // otherwise the test proves nothing
  const std::string first_entry = first == FirstWatch::read_on_pipe ? "read" : "writable";
  CHECK(outcome.log == Log{first_entry, "read"});
  CHECK(outcome.done);
  CHECK(loop.reactor().watch_count() == 0);
}

Task<void> wait_readable_forever(int fd, bool* woke) {
  LifetimeCounter frame;
  co_await corolab::wait_readable(fd);
  *woke = true;
}

// Reads one byte per wake. Level-triggered, bytes left unread make the next
// wait complete at once; edge-triggered, it would wait for *new* data.
Task<void> read_one_byte_per_wake(int fd, int wakes, Log* log, bool* done) {
  try {
    for (int i = 0; i < wakes; ++i) co_await read_when_ready(fd, log);
    *done = true;
  } catch (const OperationCancelled&) {
    log->push_back("gave up: the bytes left unread woke nobody");
  }
}

Task<void> close_read_end_after_yield(FdPair* pipe, Log* log) {
  co_await corolab::yield();
  log->push_back("closed");
  pipe->close_read();
}

Task<void> wait_writable_or_give_up(int fd, Log* log, bool* done) {
  try {
    co_await wait_writable_and_log(fd, log);
    *done = true;
  } catch (const OperationCancelled&) {
    log->push_back("gave up: the error woke nobody");
  }
}

// Restores COROLAB_REACTOR when the test ends.
class ReactorEnvironment {
 public:
  ReactorEnvironment() {
    if (const char* value = std::getenv("COROLAB_REACTOR")) saved_ = value;
  }
  ReactorEnvironment(const ReactorEnvironment&) = delete;
  ReactorEnvironment& operator=(const ReactorEnvironment&) = delete;
  ~ReactorEnvironment() {
    if (saved_)
      ::setenv("COROLAB_REACTOR", saved_->c_str(), 1);
    else
      ::unsetenv("COROLAB_REACTOR");
  }
  void set(const char* value) { REQUIRE(::setenv("COROLAB_REACTOR", value, 1) == 0); }
  void unset() { REQUIRE(::unsetenv("COROLAB_REACTOR") == 0); }

 private:
  std::optional<std::string> saved_;
};

}  // namespace

#define FOR_EVERY_REACTOR()                                                          \
  const ReactorKind kind = GENERATE(from_range(corolab::available_reactor_kinds())); \
  INFO("reactor: " << corolab::to_string(kind))

TEST_CASE("wait_readable on a pipe completes when another task writes") {
  FOR_EVERY_REACTOR();
  FdPair pipe = FdPair::pipe();
  EventLoop loop{kind};
  Log log;
  loop.spawn(read_when_ready(pipe.read_fd(), &log));
  loop.spawn(write_after_sleep(pipe.write_fd(), &log));
  loop.run();
  CHECK(log == Log{"write", "read"});
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("wait_writable on an empty pipe completes at the next poll") {
  FOR_EVERY_REACTOR();
  FdPair pipe = FdPair::pipe();
  EventLoop loop{kind};
  Log log;
  loop.spawn(wait_writable_and_log(pipe.write_fd(), &log));
  loop.run();
  CHECK(log == Log{"writable"});
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("two coroutines wait on the same fd in different directions") {
  FOR_EVERY_REACTOR();
  FdPair sockets = FdPair::socketpair();
  EventLoop loop{kind};
  Log log;
  std::size_t watches_left = 0;
  // Both wait on fds[0]: one to read, one to write.
  loop.spawn(read_when_ready(sockets.fds[0], &log));
  loop.spawn(writable_then_write_peer(sockets.fds[0], sockets.fds[1], &log, &watches_left));
  loop.run();
  CHECK(log == Log{"writable", "read"});
  CHECK(watches_left == 1);  // the writer's wake left the reader's watch alone
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("a hang-up (the write end closed) wakes a reader, which then reads end of file") {
  FOR_EVERY_REACTOR();
  FdPair pipe = FdPair::pipe();
  EventLoop loop{kind};
  Log log;
  loop.spawn(read_when_ready(pipe.read_fd(), &log));
  loop.spawn(close_write_end_after_sleep(&pipe, &log));
  loop.run();
  CHECK(log == Log{"closed", "end of file"});
  CHECK(loop.reactor().watch_count() == 0);
}

// #region level_triggered_test
TEST_CASE("level-triggered: bytes left unread make the next wait complete at once") {
  FOR_EVERY_REACTOR();
  FdPair pipe = FdPair::pipe();
  EventLoop loop{kind};
  for (int i = 0; i < 3; ++i) write_byte(pipe.write_fd());  // all three before the first wait
  Log log;
  bool done = false;
  std::stop_source give_up;
  spawn_with_token(loop, read_one_byte_per_wake(pipe.read_fd(), 3, &log, &done),
                   give_up.get_token());
  loop.spawn(cancel_unless_done_within_ticks(100, &done, &give_up));
  loop.run();
  CHECK(log == Log{"read", "read", "read"});
  CHECK(loop.reactor().watch_count() == 0);
}
// #endregion level_triggered_test

// A pipe whose reader is gone reports an error (POLLERR, EPOLLERR) to its
// writer, not "writable": an error must wake the writer all the same.
TEST_CASE("an error wakes a writer: the read end of a full pipe is closed") {
  FOR_EVERY_REACTOR();
  FdPair pipe = FdPair::pipe();
  fill(pipe.write_fd());  // a full pipe is not writable
  EventLoop loop{kind};
  Log log;
  bool done = false;
  std::stop_source give_up;
  spawn_with_token(loop, wait_writable_or_give_up(pipe.write_fd(), &log, &done),
                   give_up.get_token());
  loop.spawn(close_read_end_after_yield(&pipe, &log));
  loop.spawn(cancel_unless_done_within_ticks(100, &done, &give_up));
  loop.run();
  CHECK(log == Log{"closed", "writable"});
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("cancelling a wait_readable removes the watch") {
  FOR_EVERY_REACTOR();
  ExpectNoLeaks no_leaks;
  FdPair pipe = FdPair::pipe();  // nobody writes to it
  EventLoop loop{kind};
  Log log;
  std::stop_source source;
  std::size_t watches_before = 0;
  spawn_with_token(loop, read_or_cancelled(pipe.read_fd(), &log), source.get_token());
  loop.spawn(request_stop_after_yield(&source, &watches_before));
  loop.run();  // returns: the cancelled watch no longer keeps the loop waiting
  CHECK(watches_before == 1);
  CHECK(log == Log{"cancelled"});
  CHECK(loop.reactor().watch_count() == 0);

  // The fd can be watched again afterwards.
  write_byte(pipe.write_fd());
  loop.spawn(read_when_ready(pipe.read_fd(), &log));
  loop.run();
  CHECK(log == Log{"cancelled", "read"});
}

TEST_CASE("destroying a task suspended in wait_readable removes the watch") {
  FOR_EVERY_REACTOR();
  ExpectNoLeaks no_leaks;
  FdPair pipe = FdPair::pipe();
  EventLoop loop{kind};
  bool woke = false;
  {
    StartedTask reader = start_now(wait_readable_forever(pipe.read_fd(), &woke));
    CHECK_FALSE(reader.done());
    CHECK(loop.reactor().watch_count() == 1);
  }
  CHECK(loop.reactor().watch_count() == 0);
  write_byte(pipe.write_fd());  // readiness nobody waits for any more
  loop.run();                   // nothing to do: returns at once
  CHECK_FALSE(woke);

  // A new wait on the same fd works.
  Log log;
  loop.spawn(read_when_ready(pipe.read_fd(), &log));
  loop.run();
  CHECK(log == Log{"read"});
}

TEST_CASE("an fd number closed after forget() and reused by a new pipe works") {
  FOR_EVERY_REACTOR();
  run_reuse_scenario(kind, FirstWatch::read_on_pipe, true);
  run_reuse_scenario(kind, FirstWatch::write_on_socket, true);
}

// forget() before close() is the contract (reactor.hpp): an fd reused in the
// same direction without it stays deaf on epoll. In the other direction the
// epoll backend copes on its own: its stale registration makes it try
// EPOLL_CTL_MOD, which fails with ENOENT and falls back to EPOLL_CTL_ADD.
TEST_CASE("an fd number closed without forget() and reused in the other direction works") {
  FOR_EVERY_REACTOR();
  run_reuse_scenario(kind, FirstWatch::write_on_socket, false);
}

TEST_CASE("forget() wakes the coroutines still waiting on the fd and removes their watches") {
  FOR_EVERY_REACTOR();
  FdPair sockets = FdPair::socketpair();  // nobody writes to it
  make_nonblocking(sockets.fds[0]);
  FdPair pipe = FdPair::pipe();
  fill(pipe.write_fd());  // a full pipe is not writable
  EventLoop loop{kind};
  Log log;
  std::size_t watches_before = 0;
  std::size_t watches_after = 0;
  loop.spawn(read_when_ready(sockets.fds[0], &log));
  loop.spawn(wait_writable_and_log(pipe.write_fd(), &log));
  loop.spawn(forget_after_yield(sockets.fds[0], pipe.write_fd(), &watches_before, &watches_after));
  loop.run();
  CHECK(watches_before == 2);
  CHECK(watches_after == 0);
  // Both were woken (not cancelled); the reader's read then finds no data.
  CHECK(log == Log{"read error", "writable"});
  CHECK(loop.reactor().watch_count() == 0);
}

#if defined(__linux__)
TEST_CASE("wait_readable on an fd epoll rejects throws from the co_await and leaves no watch") {
  // epoll refuses regular files (EPERM); poll reports them always ready.
  char path[] = "/tmp/corolab_reactor_test_XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::unlink(path);
  {
    EventLoop loop{ReactorKind::epoll};
    Log log;
    loop.spawn(read_when_ready(fd, &log));
    CHECK_THROWS_AS(loop.run(), std::system_error);
    CHECK(loop.reactor().watch_count() == 0);
    CHECK(log.empty());
  }
  ::close(fd);
}
#endif

namespace {

// A reader whose callback stops watching the writer of the same fd, as the
// libcurl bridge does when curl, called from the read callback, says REMOVE.
struct ReaderThatUnwatchesTheWriter final : corolab::IoCallback {
  corolab::Reactor* reactor = nullptr;
  int fd = -1;
  int calls = 0;
  void on_io_ready() noexcept override {
    ++calls;
    reactor->unwatch(fd, corolab::IoDirection::write);
  }
};

struct CountingCallback final : corolab::IoCallback {
  int calls = 0;
  void on_io_ready() noexcept override { ++calls; }
};

}  // namespace

// Both directions ready in one poll: the reader's callback runs first, and
// the writer it unwatched must not be called (nor its empty slot).
TEST_CASE("a read callback may unwatch the writer that is ready in the same poll") {
  FOR_EVERY_REACTOR();
  FdPair pair = FdPair::socketpair();
  write_byte(pair.fds[1]);  // fds[0]: readable, and writable (its send buffer is empty)
  std::unique_ptr<corolab::Reactor> reactor = corolab::make_reactor(kind);
  ReaderThatUnwatchesTheWriter reader;
  reader.reactor = reactor.get();
  reader.fd = pair.fds[0];
  CountingCallback writer;
  reactor->watch(pair.fds[0], corolab::IoDirection::read, reader);
  reactor->watch(pair.fds[0], corolab::IoDirection::write, writer);
  reactor->poll(std::chrono::nanoseconds{0});
  CHECK(reader.calls == 1);
  CHECK(writer.calls <= 1);  // poll may report the two in either order
  CHECK(reactor->watch_count() == 0);
}

TEST_CASE("wake() from another thread interrupts a blocking poll") {
  FOR_EVERY_REACTOR();
  auto reactor = corolab::make_reactor(kind);
  REQUIRE(reactor->kind() == kind);

  const auto start = std::chrono::steady_clock::now();
  std::thread waker([&reactor] {
    std::this_thread::sleep_for(50ms);
    reactor->wake();
  });
  reactor->poll(std::nullopt);  // no watches, no timeout: only wake() ends it
  const auto elapsed = std::chrono::steady_clock::now() - start;
  waker.join();
  CHECK(elapsed >= 50ms);  // it did block until the wake-up

  // A wake() before poll() is not lost, and the wake-up is drained.
  reactor->wake();
  reactor->poll(std::nullopt);
  const auto before_timeout = std::chrono::steady_clock::now();
  reactor->poll(5ms);
  CHECK(std::chrono::steady_clock::now() - before_timeout >= 5ms);
}

TEST_CASE("COROLAB_REACTOR selects the default backend") {
  ReactorEnvironment environment;
  const auto kinds = corolab::available_reactor_kinds();
  REQUIRE_FALSE(kinds.empty());

  environment.unset();
  CHECK(corolab::default_reactor_kind() == kinds.front());
  environment.set("");
  CHECK(corolab::default_reactor_kind() == kinds.front());

  for (ReactorKind kind : kinds) {
    environment.set(std::string(corolab::to_string(kind)).c_str());
    CHECK(corolab::default_reactor_kind() == kind);
    EventLoop loop;  // the loop's default follows it
    CHECK(loop.reactor().kind() == kind);
  }

  std::string all_names;
  for (ReactorKind kind : kinds)
    all_names += std::string(all_names.empty() ? "" : ", ") + std::string(corolab::to_string(kind));
  for (const char* invalid : {"bogus", "EPOLL", "poll ", "kqueue-ish"}) {
    INFO("COROLAB_REACTOR=" << invalid);
    environment.set(invalid);
    CHECK_THROWS_AS(corolab::default_reactor_kind(), std::invalid_argument);
    CHECK_THROWS_WITH(corolab::default_reactor_kind(),
                      Catch::Contains(invalid) && Catch::Contains(all_names));
    CHECK_THROWS_AS(EventLoop{}, std::invalid_argument);
  }
#if defined(__linux__)
  environment.set("kqueue");  // a real backend, but not on this platform
  CHECK_THROWS_WITH(corolab::default_reactor_kind(), Catch::Contains("epoll, poll"));
#endif
}
