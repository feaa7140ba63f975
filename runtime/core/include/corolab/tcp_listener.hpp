#pragma once
// TcpListener: a listening socket that accepts connections as a coroutine.
//
//   auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
//   while (true) {
//     corolab::TcpStream client = co_await listener.accept();
//     loop.spawn(serve(std::move(client)));
//   }

#include "corolab/detail/file_descriptor.hpp"
#include "corolab/socket_address.hpp"
#include "corolab/task.hpp"
#include "corolab/tcp_stream.hpp"

namespace corolab {

class TcpListener {
 public:
  // bind() and listen() never block, so this is an ordinary function.
  // Port 0 lets the kernel pick a free port: see local_address().
  static TcpListener bind(SocketAddress address, int backlog = 1024);

  // Waits for the next connection. Running out of file descriptors (EMFILE)
  // is reported as std::system_error, never a crash or a busy loop.
  Task<TcpStream> accept();

  const SocketAddress& local_address() const noexcept { return local_; }
  void close() noexcept { socket_.close(); }

 private:
  TcpListener(detail::FileDescriptor socket, SocketAddress local) noexcept
      : socket_(std::move(socket)), local_(local) {}

  detail::FileDescriptor socket_;
  SocketAddress local_;
};

}  // namespace corolab
