// Lesson 11 stage: a socketpair watched by the reactor, each readiness
// event printed as the coroutine that waited for it sees it.
//
//   1. Readable. A writer sends "hello, reactor" in two pieces 30 ms apart,
//      then shuts its end down. The reader waits for readable, then reads at
//      most 4 bytes (a small buffer, on purpose). Readiness is level-
//      triggered: while bytes are left, the next wait completes at once.
//   2. Writable. A writer sends until the socket buffer is full (EAGAIN),
//      then waits for writable; a reader that wakes 20 ms later drains the
//      socket, and that wakes the writer.
//
// The backend is epoll; COROLAB_REACTOR=poll runs the same on poll(2).
// Under `strace -e trace=epoll_ctl,epoll_wait` you see each fd registered
// once, and kept registered between waits.
#include <fmt/format.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <corolab/detail/file_descriptor.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/io_wait.hpp>
#include <corolab/sleep.hpp>
#include <corolab/task.hpp>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::EventLoop;
using corolab::Task;
using corolab::TimePoint;
using corolab::detail::FileDescriptor;

namespace {

TimePoint start;

void say(std::string_view who, std::string_view what) {
  const double ms =
      std::chrono::duration<double, std::milli>(EventLoop::current().now() - start).count();
  fmt::print("{:7.1f} ms  {:<7} {}\n", ms, who, what);
}

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

bool would_block() { return errno == EAGAIN || errno == EWOULDBLOCK; }

// Two connected, non-blocking sockets.
struct SocketPair {
  FileDescriptor a, b;
};

SocketPair make_socket_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
    fail("socketpair");
  return {FileDescriptor(fds[0]), FileDescriptor(fds[1])};
}

void send_all_now(int fd, std::string_view text) {
  if (::send(fd, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size()))
    fail("send");
}

// --- 1. Readable ---------------------------------------------------------

// Waits first, then reads: every wake is one readiness event.
Task<void> read_four_bytes_per_wake(int fd) {
  char buffer[4];
  while (true) {
    co_await corolab::wait_readable(fd);
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n == 0) {
      say("reader", fmt::format("fd {} readable: end of stream (recv: 0)", fd));
      co_return;
    }
    if (n < 0) fail("recv");
    const std::string_view text(buffer, static_cast<std::size_t>(n));
    say("reader", fmt::format("fd {} readable: read \"{}\"", fd, text));
  }
}

Task<void> send_in_two_pieces(int fd, Duration pause) {
  send_all_now(fd, "hello, ");
  say("writer", "sent \"hello, \" (7 bytes)");
  co_await corolab::sleep_for(pause);
  send_all_now(fd, "reactor");
  say("writer", "sent \"reactor\" (7 bytes), and shuts its end down");
  ::shutdown(fd, SHUT_WR);
}

// --- 2. Writable ---------------------------------------------------------

// Sends until the kernel's buffer is full, then waits until there is room.
Task<void> fill_then_wait_writable(int fd) {
  const std::vector<char> block(64 * 1024, 'x');
  std::size_t sent = 0;
  while (true) {
    const ssize_t n = ::send(fd, block.data(), block.size(), MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (!would_block()) fail("send");
    say("writer", fmt::format("sent {} bytes, then EAGAIN: the buffer is full, waits", sent));
    co_await corolab::wait_writable(fd);
    say("writer", fmt::format("fd {} writable again", fd));
    co_return;
  }
}

// Reads everything there is, until EAGAIN: the socket is then drained.
Task<void> drain_after(int fd, Duration pause) {
  co_await corolab::sleep_for(pause);
  co_await corolab::wait_readable(fd);
  std::vector<char> buffer(64 * 1024);
  std::size_t drained = 0;
  while (true) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      drained += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && !would_block()) fail("recv");
    break;  // EAGAIN: nothing left for now
  }
  say("reader", fmt::format("fd {} readable: drained {} bytes, to EAGAIN", fd, drained));
}

}  // namespace

int main() {
  EventLoop loop;
  fmt::print("backend: {}\n\n", corolab::to_string(loop.reactor().kind()));

  fmt::print("1. Readable: a reader with a 4-byte buffer\n");
  {
    SocketPair sockets = make_socket_pair();
    start = loop.now();
    loop.spawn(read_four_bytes_per_wake(sockets.a.get()), "reader");
    loop.spawn(send_in_two_pieces(sockets.b.get(), 30ms), "writer");
    loop.run();
  }  // FileDescriptor::close() tells the reactor to forget the fds first

  fmt::print("\n2. Writable: fill the socket, wait for room\n");
  {
    SocketPair sockets = make_socket_pair();
    start = loop.now();
    loop.spawn(fill_then_wait_writable(sockets.a.get()), "filler");
    loop.spawn(drain_after(sockets.b.get(), 20ms), "drainer");
    loop.run();
  }
}
