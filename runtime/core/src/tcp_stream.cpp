#include "corolab/tcp_stream.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <exception>
#include <stdexcept>
#include <system_error>

#include "corolab/io_wait.hpp"
#include "corolab/resolve.hpp"
#include "corolab/timeout.hpp"
#include "socket_error.hpp"

namespace corolab {

namespace {

// ([[maybe_unused]]: lesson 12's starter leaves read_some and write_all unwritten.)
#if defined(MSG_NOSIGNAL)
[[maybe_unused]] constexpr int kSendFlags = MSG_NOSIGNAL;  // EPIPE instead of SIGPIPE
#else
[[maybe_unused]] constexpr int kSendFlags = 0;  // macOS: SO_NOSIGPIPE is set on the socket instead
#endif

[[maybe_unused]] bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

Task<TcpStream> connect_once(SocketAddress address) {
  detail::FileDescriptor socket(::socket(address.family(), SOCK_STREAM, 0));
  if (!socket.is_open()) detail::throw_socket_error(errno, "socket for", address);
  detail::make_nonblocking(socket.get());
  const int one = 1;
  ::setsockopt(socket.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#if defined(SO_NOSIGPIPE)
  ::setsockopt(socket.get(), SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  // A non-blocking connect returns at once with EINPROGRESS; the socket
  // becomes writable when the handshake is over, and SO_ERROR tells how.
  if (::connect(socket.get(), address.data(), address.size()) != 0) {
    if (errno != EINPROGRESS) detail::throw_socket_error(errno, "connect to", address);
    co_await wait_writable(socket.get());
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) detail::throw_socket_error(error, "connect to", address);
  }
  co_return TcpStream(std::move(socket), address);
}

}  // namespace

Task<TcpStream> TcpStream::connect(SocketAddress address, Duration timeout) {
  try {
    TcpStream stream = co_await with_timeout(timeout, connect_once(address));
    co_return stream;
  } catch (const TimeoutError&) {
    detail::throw_socket_error(ETIMEDOUT, "connect to", address);
  }
}

Task<TcpStream> TcpStream::connect(std::string host, std::uint16_t port, Duration timeout) {
  std::vector<SocketAddress> addresses = co_await resolve(host, port);
  std::exception_ptr last_error;
  for (const SocketAddress& address : addresses) {
    try {
      TcpStream stream = co_await connect(address, timeout);
      co_return stream;
    } catch (const std::system_error&) {
      last_error = std::current_exception();  // try the next address
    }
  }
  std::rethrow_exception(last_error);
}

Task<std::size_t> TcpStream::read_some(std::span<std::byte> buffer) {
  // #exercise read_some: try recv() first; only on EAGAIN wait until readable, then try again
  while (true) {
    const ssize_t received = ::recv(socket_.get(), buffer.data(), buffer.size(), 0);
    if (received >= 0) co_return static_cast<std::size_t>(received);
    if (errno == EINTR) continue;
    if (!would_block(errno)) detail::throw_socket_error(errno, "read from", peer_);
    co_await wait_readable(socket_.get());
  }
  // #starter
  // (void)buffer;
  // throw std::logic_error("lesson 12: write TcpStream::read_some");
  // #endexercise
}

Task<void> TcpStream::read_exact(std::span<std::byte> buffer) {
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    const std::size_t received = co_await read_some(buffer.subspan(filled));
    if (received == 0) {
      throw std::system_error(std::make_error_code(std::errc::connection_aborted),
                              "read_exact from " + peer_.to_string() + ": stream ended after " +
                                  std::to_string(filled) + " of " + std::to_string(buffer.size()) +
                                  " bytes");
    }
    filled += received;
  }
}

Task<void> TcpStream::write_all(std::span<const std::byte> data) {
  // #exercise write_all: send() until all of `data` has gone; only on EAGAIN wait until writable
  while (!data.empty()) {
    const ssize_t sent = ::send(socket_.get(), data.data(), data.size(), kSendFlags);
    if (sent >= 0) {
      data = data.subspan(static_cast<std::size_t>(sent));
      continue;
    }
    if (errno == EINTR) continue;
    if (!would_block(errno)) detail::throw_socket_error(errno, "write to", peer_);
    co_await wait_writable(socket_.get());
  }
  // #starter
  // (void)data;
  // throw std::logic_error("lesson 12: write TcpStream::write_all");
  // #endexercise
}

Task<void> TcpStream::write_all(std::string_view text) {
  return write_all(std::as_bytes(std::span(text.data(), text.size())));
}

void TcpStream::shutdown_write() {
  if (::shutdown(socket_.get(), SHUT_WR) != 0) detail::throw_socket_error(errno, "shutdown", peer_);
}

}  // namespace corolab
