#pragma once
// TcpStream: a connected TCP socket with coroutine reads and writes.
//
// Every operation follows the same pattern: try the non-blocking system
// call; on EAGAIN, co_await until the reactor reports the socket ready; try
// again. Errors become std::system_error naming the operation and the peer
// ("read from 127.0.0.1:8080: Connection reset by peer"). Writes never raise
// SIGPIPE: a closed peer is an EPIPE error, not a dead process.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "corolab/clock.hpp"
#include "corolab/detail/file_descriptor.hpp"
#include "corolab/socket_address.hpp"
#include "corolab/task.hpp"

namespace corolab {

class TcpStream {
 public:
  TcpStream() = default;
  TcpStream(detail::FileDescriptor socket, SocketAddress peer) noexcept
      : socket_(std::move(socket)), peer_(peer) {}

  // Connects, or throws std::system_error: ECONNREFUSED, ETIMEDOUT after
  // `timeout`, ... The host form resolves the name off the loop thread and
  // tries each address in turn.
  static Task<TcpStream> connect(SocketAddress address,
                                 Duration timeout = std::chrono::seconds(30));
  static Task<TcpStream> connect(std::string host, std::uint16_t port,
                                 Duration timeout = std::chrono::seconds(30));

  // Reads what is available (at least one byte); returns 0 at end of stream.
  Task<std::size_t> read_some(std::span<std::byte> buffer);
  // Fills the whole buffer, or throws (end of stream counts as an error).
  Task<void> read_exact(std::span<std::byte> buffer);
  // Writes everything, waiting as often as the kernel's buffer demands.
  Task<void> write_all(std::span<const std::byte> data);
  Task<void> write_all(std::string_view text);

  // No more writes from us: the peer reads end of stream.
  void shutdown_write();
  void close() noexcept { socket_.close(); }

  bool is_open() const noexcept { return socket_.is_open(); }
  int native_handle() const noexcept { return socket_.get(); }
  const SocketAddress& peer_address() const noexcept { return peer_; }

 private:
  detail::FileDescriptor socket_;
  SocketAddress peer_;
};

}  // namespace corolab
