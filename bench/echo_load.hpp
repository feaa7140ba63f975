#pragma once
// The load generator for the TCP echo benchmark: neither corolab nor Asio,
// so that both servers face the same client. Plain epoll on its own thread.
//
// `connections` sockets each send a message, wait for all of it to come
// back, and send the next (a closed loop, like wrk's connections), for
// `seconds`. Returns the messages echoed per second.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "bench.hpp"

namespace bench {

inline constexpr std::size_t echo_message_size = 64;

namespace detail {

[[noreturn]] inline void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

inline int connect_to_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    fail("connect");
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace detail

inline double echo_load(std::uint16_t port, int connections, double seconds) {
  const int epoll = ::epoll_create1(0);
  if (epoll < 0) detail::fail("epoll_create1");
  std::vector<int> sockets;
  std::vector<std::size_t> received(static_cast<std::size_t>(connections), 0);
  const char message[echo_message_size] = {'p', 'i', 'n', 'g'};
  for (int i = 0; i < connections; ++i) {
    const int fd = detail::connect_to_loopback(port);
    sockets.push_back(fd);
    epoll_event interest{};
    interest.events = EPOLLIN;
    interest.data.u32 = static_cast<std::uint32_t>(i);
    if (::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &interest) != 0) detail::fail("epoll_ctl");
    if (::write(fd, message, sizeof message) != sizeof message) detail::fail("write");
  }

  long echoed = 0;
  const Clock::time_point start = Clock::now();
  std::vector<epoll_event> events(static_cast<std::size_t>(connections));
  char buffer[echo_message_size];
  while (seconds_since(start) < seconds) {
    const int ready = ::epoll_wait(epoll, events.data(), connections, 100);
    if (ready < 0 && errno != EINTR) detail::fail("epoll_wait");
    for (int e = 0; e < ready; ++e) {
      const std::uint32_t i = events[static_cast<std::size_t>(e)].data.u32;
      const ssize_t n = ::read(sockets[i], buffer, echo_message_size - received[i]);
      if (n <= 0) detail::fail("read (the server closed or failed)");
      received[i] += static_cast<std::size_t>(n);
      if (received[i] < echo_message_size) continue;  // the rest is on its way
      received[i] = 0;
      ++echoed;
      // A 64-byte write to an idle socket never blocks: its buffer is empty.
      if (::write(sockets[i], message, sizeof message) != sizeof message) detail::fail("write");
    }
  }
  const double rate = static_cast<double>(echoed) / seconds_since(start);
  for (const int fd : sockets) ::close(fd);
  ::close(epoll);
  return rate;
}

}  // namespace bench
