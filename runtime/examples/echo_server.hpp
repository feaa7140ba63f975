#pragma once
// An echo server: what corolab-echo-demo serves, and corolab's side of the
// TCP echo benchmark (bench/tcp_echo.cpp).
//
//   co_await corolab::examples::serve_echo(&listener);   // until cancelled

#include <array>
#include <cstddef>
#include <span>
#include <utility>

#include "corolab/task.hpp"
#include "corolab/task_group.hpp"
#include "corolab/tcp_listener.hpp"
#include "corolab/tcp_stream.hpp"

namespace corolab::examples {

// The server side of one connection: send back whatever arrives.
inline Task<void> echo(TcpStream client) {
  std::array<std::byte, 4096> buffer;
  while (true) {
    const std::size_t received = co_await client.read_some(buffer);
    if (received == 0) co_return;  // the client closed its side
    co_await client.write_all(std::span(buffer.data(), received));
  }
}

// Accepts connections until cancelled; each one is served by its own task.
inline Task<void> serve_echo(TcpListener* listener) {
  TaskGroup connections;
  while (true) {
    TcpStream client = co_await listener->accept();
    connections.spawn(echo(std::move(client)), "echo");
  }
}

}  // namespace corolab::examples
