// IoWaitUntil: a wait for a file descriptor that ends at a deadline, in the
// reactor and the timer heap at once, and leaves both whichever way it ends.
#include "corolab/io_wait_until.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <stdexcept>

#include "corolab/corolab.hpp"

using namespace std::chrono_literals;
using corolab::IoDirection;
using corolab::IoWaitUntil;
using corolab::Task;
using Outcome = IoWaitUntil::Outcome;

namespace {

// Two connected sockets: a byte written into one makes the other readable.
struct SocketPair {
  int ends[2];
  SocketPair() {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, ends) != 0)
      throw std::runtime_error("socketpair");
  }
  ~SocketPair() {
    ::close(ends[0]);
    ::close(ends[1]);
  }
  void send_byte() const { REQUIRE(::write(ends[1], "x", 1) == 1); }
};

Task<Outcome> wait_readable_for(int fd, corolab::Duration patience) {
  IoWaitUntil wait(fd, IoDirection::read, corolab::EventLoop::current().now() + patience);
  const Outcome outcome = co_await wait;
  co_return outcome;
}

Task<void> send_byte_after(const SocketPair* pair, corolab::Duration delay) {
  co_await corolab::sleep_for(delay);
  pair->send_byte();
}

Task<Outcome> readable_before_the_deadline(const SocketPair* pair) {
  corolab::TaskGroup group;
  group.spawn(send_byte_after(pair, 2s), "writer");
  const Outcome outcome = co_await wait_readable_for(pair->ends[0], 10s);
  co_await group.join();
  co_return outcome;
}

// The wait lets another coroutine interrupt it, then says how it ended.
Task<void> interrupt_soon(IoWaitUntil** wait) {
  co_await corolab::sleep_for(1s);
  (*wait)->interrupt();
}

Task<Outcome> interrupted_wait(int fd) {
  IoWaitUntil wait(fd, IoDirection::read, corolab::EventLoop::current().now() + 10s);
  IoWaitUntil* waiting = &wait;
  corolab::TaskGroup group;
  group.spawn(interrupt_soon(&waiting), "interrupter");
  const Outcome outcome = co_await wait;
  co_await group.join();
  co_return outcome;
}

}  // namespace

TEST_CASE("IoWaitUntil: the fd becomes ready before the deadline") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  SocketPair pair;
  const corolab::TimePoint start = loop.now();
  CHECK(corolab::sync_wait(readable_before_the_deadline(&pair)) == Outcome::ready);
  CHECK(loop.now() - start == 2s);
  CHECK(loop.reactor().watch_count() ==
        0);  // and it left the timer heap: the loop is idle, not at 10 s
  loop.run_until_idle();
  CHECK(loop.now() - start == 2s);
}

TEST_CASE("IoWaitUntil: the deadline comes first, exactly on time, and the watch is gone") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  SocketPair pair;
  const corolab::TimePoint start = loop.now();
  CHECK(corolab::sync_wait(wait_readable_for(pair.ends[0], 3s)) == Outcome::timed_out);
  CHECK(loop.now() - start == 3s);
  CHECK(loop.reactor().watch_count() == 0);
  // The fd can be waited for again.
  pair.send_byte();
  CHECK(corolab::sync_wait(wait_readable_for(pair.ends[0], 3s)) == Outcome::ready);
}

TEST_CASE("IoWaitUntil: ready and due in the same tick resumes the coroutine once") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  SocketPair pair;
  pair.send_byte();  // readable already...
  // ...and due at once: both fire in the first tick; one wins.
  const Outcome outcome = corolab::sync_wait(wait_readable_for(pair.ends[0], 0s));
  CHECK((outcome == Outcome::ready || outcome == Outcome::timed_out));
  CHECK(loop.reactor().watch_count() == 0);
}

TEST_CASE("IoWaitUntil: interrupt() ends the wait early, leaving reactor and timer heap") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  SocketPair pair;
  const corolab::TimePoint start = loop.now();
  CHECK(corolab::sync_wait(interrupted_wait(pair.ends[0])) == Outcome::interrupted);
  CHECK(loop.now() - start == 1s);
  CHECK(loop.reactor().watch_count() == 0);
  loop.run_until_idle();
  CHECK(loop.now() - start == 1s);  // no timer left to jump to
}

TEST_CASE("IoWaitUntil: a cancelled wait throws OperationCancelled and leaves both places") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  SocketPair pair;
  const corolab::TimePoint start = loop.now();
  CHECK_THROWS_AS(
      corolab::sync_wait(corolab::with_timeout(1s, wait_readable_for(pair.ends[0], 10s))),
      corolab::TimeoutError);
  CHECK(loop.now() - start == 1s);
  CHECK(loop.reactor().watch_count() == 0);
  loop.run_until_idle();
  CHECK(loop.now() - start == 1s);
}
