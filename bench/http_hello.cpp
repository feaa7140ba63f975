// corolab's side of the HTTP benchmark (bench/http_vs_nginx.sh): answers
// every request with "Hello, world!", like the nginx it is compared with.
//
//   bench_http_hello PORT      (0: any free port; prints "listening on PORT")
//
// One thread, one loop, the runtime's HTTP server. SIGTERM or SIGINT stops
// it gracefully.

#include <fmt/core.h>

#include <corolab/event_loop.hpp>
#include <corolab/http/server.hpp>
#include <corolab/signals.hpp>
#include <corolab/when_any.hpp>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

corolab::Task<corolab::http::Response> hello(corolab::http::Request) {
  co_return corolab::http::Response::text(200, "Hello, world!\n");
}

corolab::Task<void> serve_until_signal(std::uint16_t port) {
  auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(port));
  corolab::http::Server server(std::move(listener), hello);
  fmt::print("listening on {}\n", server.local_address().port());
  std::fflush(stdout);
  corolab::Task<void> serving = server.serve();
  corolab::Task<int> signal = corolab::wait_for_signal({SIGINT, SIGTERM});
  co_await corolab::when_any(std::move(serving), std::move(signal));
}

}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 0;
  if (port < 0 || port > 65535) {
    fmt::print(stderr, "usage: bench_http_hello PORT\n");
    return 2;
  }
  corolab::EventLoop loop;
  loop.run_until_complete(serve_until_signal(static_cast<std::uint16_t>(port)));
}
