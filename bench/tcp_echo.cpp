// 6. TCP echo on loopback: many connections, messages per second.
//
// Each server runs on a thread of its own with one event loop (corolab's
// EventLoop, Asio's io_context), and answers every connection with the usual
// coroutine: read some, write it all back, until the client closes. The load
// is the same for both: bench/echo_load.hpp, plain epoll on the main thread,
// 50 connections each bouncing a 64-byte message back and forth.

#include <array>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/tcp_listener.hpp>
#include <cstdint>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "echo_load.hpp"
#include "echo_server.hpp"

namespace {

// --- corolab -----------------------------------------------------------------

// The echo server of corolab-echo-demo (runtime/examples/echo_server.hpp).

double measure_corolab(int connections, double seconds) {
  std::promise<std::uint16_t> port;
  std::promise<corolab::EventLoop*> loop_of_server;
  std::thread server([&] {
    corolab::EventLoop loop;
    auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
    loop.spawn(corolab::examples::serve_echo(&listener), "accept");
    loop_of_server.set_value(&loop);
    port.set_value(listener.local_address().port());
    loop.run();  // until stop(), posted below
  });
  corolab::EventLoop* loop = loop_of_server.get_future().get();
  const double rate = bench::echo_load(port.get_future().get(), connections, seconds);
  loop->post_from_any_thread([loop] { loop->stop(); });
  server.join();
  return rate;
}

// --- Asio --------------------------------------------------------------------

asio::awaitable<void> asio_echo(asio::ip::tcp::socket client) {
  std::array<char, 4096> buffer;
  while (true) {
    std::size_t received = 0;
    try {
      received = co_await client.async_read_some(asio::buffer(buffer), asio::use_awaitable);
    } catch (const asio::system_error&) {
      co_return;  // eof: the client closed its side
    }
    co_await asio::async_write(client, asio::buffer(buffer, received), asio::use_awaitable);
  }
}

asio::awaitable<void> asio_serve(asio::ip::tcp::acceptor* acceptor) {
  while (true) {
    asio::ip::tcp::socket client = co_await acceptor->async_accept(asio::use_awaitable);
    asio::co_spawn(acceptor->get_executor(), asio_echo(std::move(client)), asio::detached);
  }
}

double measure_asio(int connections, double seconds) {
  asio::io_context context;
  asio::ip::tcp::acceptor acceptor(context, {asio::ip::address_v4::loopback(), 0});
  asio::co_spawn(context, asio_serve(&acceptor), asio::detached);
  std::thread server([&] { context.run(); });
  const double rate = bench::echo_load(acceptor.local_endpoint().port(), connections, seconds);
  context.stop();
  server.join();
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::smoke_mode(argc, argv);
  const int connections = smoke ? 4 : 50;
  const double seconds = smoke ? 0.2 : 3;
  const int repeats = smoke ? 1 : 3;
  const std::greater<> higher;  // a rate: the best run is the fastest
  const double corolab_rate = bench::best_of(
      repeats, [&] { return measure_corolab(connections, seconds); }, higher);
  const double asio_rate = bench::best_of(
      repeats, [&] { return measure_asio(connections, seconds); }, higher);
  const std::string name = "TCP echo, " + std::to_string(connections) + " connections x 64 B";
  bench::print_rate_row(name, "msg/s", corolab_rate, asio_rate, 0);
}
