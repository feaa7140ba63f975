#include "corolab/http/server.hpp"

#include <fmt/core.h>

#include <optional>
#include <system_error>
#include <utility>
#include <variant>

#include "corolab/sleep.hpp"
#include "corolab/when_any.hpp"
#include "server_connection.hpp"

namespace corolab::http {

namespace {

// After accept() fails (EMFILE: out of file descriptors): a pause before the next try.
constexpr Duration kAcceptRetryDelay = std::chrono::milliseconds(100);

Task<void> wait_until_set(Event* event) { co_await event->wait(); }

// A failed accept (EMFILE: out of file descriptors) must not end the server:
// report it, and give the connections a moment to close some descriptors.
Task<std::optional<TcpStream>> accept_or_pause(TcpListener* listener) {
  try {
    TcpStream client = co_await listener->accept();
    co_return std::move(client);
  } catch (const std::system_error& error) {
    fmt::print(stderr, "corolab::http: {}\n", error.what());
  }
  co_await sleep_for(kAcceptRetryDelay);
  co_return std::nullopt;
}

}  // namespace

Server::Server(TcpListener listener, Handler handler, ServerOptions options)
    : listener_(std::move(listener)), handler_(std::move(handler)), options_(options) {}

// The accept loop and every connection are children of one group, so
// serve() cannot return while any of them still runs.
Task<void> Server::serve() {
  TaskGroup connections;
  connections.spawn(accept_loop(&connections), "http accept loop");
  co_await connections.join();
}

// Here, not in the header: the list of idle connections needs Connection
// whole to be destroyed.
Server::~Server() = default;

void Server::stop() noexcept {
  stopping_.set();
  // Idle connections close at once: end their waits for a next request.
  while (!idle_.empty()) idle_.pop_front().stop_waiting();
}

Task<void> Server::accept_loop(TaskGroup* connections) {
  while (!stopping_.is_set()) {
    std::optional<TcpStream> client = co_await accept_unless_stopping();
    if (!client) continue;  // stopping (the loop ends), or accept failed (try again)
    ++stats_.connections_accepted;
    connections->spawn(serve_connection(std::move(*client)), "http connection");
  }
  // New clients are refused from now on, instead of waiting in the backlog.
  listener_.close();
}

// The next connection; nothing once stop() is called or if accept failed.
Task<std::optional<TcpStream>> Server::accept_unless_stopping() {
  Task<std::optional<TcpStream>> accepting = accept_or_pause(&listener_);
  Task<void> stopping = wait_until_set(&stopping_);
  auto first = co_await when_any(std::move(accepting), std::move(stopping));
  if (first.index() == 1) co_return std::nullopt;
  co_return std::move(std::get<0>(first));
}

Task<void> Server::serve_connection(TcpStream stream) {
  Connection connection(*this, std::move(stream));
  co_await connection.run();
}

}  // namespace corolab::http
