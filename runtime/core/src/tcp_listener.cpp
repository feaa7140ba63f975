#include "corolab/tcp_listener.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "corolab/io_wait.hpp"
#include "socket_error.hpp"

namespace corolab {

TcpListener TcpListener::bind(SocketAddress address, int backlog) {
  detail::FileDescriptor socket(::socket(address.family(), SOCK_STREAM, 0));
  if (!socket.is_open()) detail::throw_socket_error(errno, "socket for", address);
  detail::make_nonblocking(socket.get());
  // Restarting a server must not fail because old connections linger in TIME_WAIT.
  const int one = 1;
  ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(socket.get(), address.data(), address.size()) != 0) {
    detail::throw_socket_error(errno, "bind", address);
  }
  if (::listen(socket.get(), backlog) != 0) detail::throw_socket_error(errno, "listen on", address);

  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&bound), &length);
  return TcpListener(std::move(socket), SocketAddress(reinterpret_cast<sockaddr*>(&bound), length));
}

Task<TcpStream> TcpListener::accept() {
  while (true) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int fd = ::accept(socket_.get(), reinterpret_cast<sockaddr*>(&peer), &length);
    if (fd >= 0) {
      detail::FileDescriptor client(fd);
      detail::make_nonblocking(fd);
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#if defined(SO_NOSIGPIPE)
      ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
      co_return TcpStream(std::move(client),
                          SocketAddress(reinterpret_cast<sockaddr*>(&peer), length));
    }
    // The client gave up before we accepted, or a signal interrupted us: again.
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      detail::throw_socket_error(errno, "accept on", local_);
    co_await wait_readable(socket_.get());
  }
}

}  // namespace corolab
