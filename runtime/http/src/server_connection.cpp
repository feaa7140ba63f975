#include "server_connection.hpp"

#include <fmt/core.h>

#include <array>
#include <cstddef>
#include <exception>
#include <optional>
#include <stop_token>
#include <string>
#include <system_error>
#include <utility>

#include "corolab/cancellation.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/timeout.hpp"
#include "response_writing.hpp"

namespace corolab::http {

namespace {

// After a response with "Connection: close": how long we wait for the
// client to close its side (see close_gracefully).
constexpr Duration kLingerTime = std::chrono::seconds(1);

// Reads and drops everything until the client closes its side.
Task<void> discard_until_end(TcpStream* stream) {
  std::array<std::byte, kReadChunk> chunk;
  while (true) {
    const std::size_t received = co_await stream->read_some(chunk);
    if (received == 0) co_return;
  }
}

}  // namespace

Task<void> Server::Connection::run() {
  try {
    co_await serve_requests();
  } catch (const OperationCancelled&) {
    throw;  // serve() is being cancelled: not a failure
  } catch (const std::system_error&) {
    // The client went away (reset, broken pipe): there is no one to answer.
  } catch (const std::exception& error) {
    fmt::print(stderr, "corolab::http: connection from {} failed: {}\n",
               stream_.peer_address().to_string(), error.what());
  }
}

Task<void> Server::Connection::serve_requests() {
  const ServerOptions& options = server_.options_;
  Duration allowed_silence = options.head_timeout;  // a new client should speak at once
  while (true) {
    if (buffer_.empty()) {  // else a pipelined request has already begun
      const TimePoint silence_ends = EventLoop::current().now() + allowed_silence;
      const bool started = co_await wait_for_request_start(silence_ends);
      if (!started) co_return;
    }
    // Usually the whole request came in one piece: take it at once, with no
    // task to start and no deadline to race against.
    std::optional<Incoming> arrived = take_arrived_request();
    if (!arrived) {
      const TimePoint head_due = EventLoop::current().now() + options.head_timeout;
      Incoming received = co_await read_request_within(head_due);
      arrived = std::move(received);
    }
    Incoming& incoming = *arrived;
    if (incoming.kind == Incoming::Kind::closed) co_return;
    if (incoming.kind == Incoming::Kind::refused) {
      co_await refuse(incoming.status, std::move(incoming.reason));
      co_return;
    }
    const bool keep_alive = co_await answer(std::move(incoming.request));
    if (!keep_alive) co_return;
    allowed_silence = options.idle_timeout;
  }
}

// Waits for the first byte of the next request. False if the connection
// should close instead: the client closed it, it stayed silent past
// `deadline`, or the server is stopping. This runs once per request, so it
// is one wait (IoWaitUntil), not a race of three tasks.
Task<bool> Server::Connection::wait_for_request_start(TimePoint deadline) {
  if (server_.stopping_.is_set()) co_return false;
  IoWaitUntil wait(stream_.native_handle(), IoDirection::read, deadline);
  IdleRegistration idle(this, &wait);
  const IoWaitUntil::Outcome outcome = co_await wait;
  if (outcome != IoWaitUntil::Outcome::ready) co_return false;
  const std::size_t received = co_await receive_more();
  co_return received > 0;
}

// Runs the handler and sends its response. True if the connection stays open.
Task<bool> Server::Connection::answer(Request request) {
  const bool head_only = request.method == "HEAD";
  const int version_minor = request.version_minor;
  const bool client_keeps_alive = request.wants_keep_alive();
  bool handler_failed = false;
  const Response response = co_await call_handler(std::move(request), &handler_failed);
  const bool keep_alive = client_keeps_alive && !handler_failed && !response.closes_connection() &&
                          !server_.stopping_.is_set();
  const std::string_view connection = connection_header(keep_alive, version_minor);
  co_await write_response(&stream_, &response, head_only, connection);
  ++server_.stats_.requests_served;
  if (!stream_.is_open()) co_return false;  // the response's body writer closed it
  if (!keep_alive) co_await close_gracefully();
  co_return keep_alive;
}

// The handler's response. If the handler throws, or returns something we
// cannot send, a 500 instead, and `*failed` is set: the connection closes.
Task<Response> Server::Connection::call_handler(Request request, bool* failed) {
  const std::string what = request.method + " " + request.target;
  std::string error;
  try {
    Task<Response> handling = server_.handler_(std::move(request));
    Response response = co_await std::move(handling);
    error = invalid_response_reason(response);
    if (error.empty()) co_return std::move(response);
  } catch (const std::exception& exception) {
    error = exception.what();
  } catch (...) {
    error = "an exception that is not a std::exception";
  }
  // If serve() itself is being cancelled, that is not the handler's fault.
  // (The token is looked at only now: copying it costs two atomic operations.)
  const std::stop_token cancellation = co_await get_stop_token();
  if (cancellation.stop_requested()) throw OperationCancelled();
  fmt::print(stderr, "corolab::http: handler for {} failed: {}\n", what, error);
  *failed = true;
  co_return Response::text(500, "Internal Server Error\n");
}

// Answers a request we could not accept (400, 408, 413, ...), then closes.
Task<void> Server::Connection::refuse(int status, std::string reason) {
  ++server_.stats_.bad_requests;
  const Response response = Response::text(status, reason + "\n");
  co_await write_response(&stream_, &response, false, "close");
  co_await close_gracefully();
}

// Closing a socket that still holds unread input makes the kernel send RST,
// and an RST can destroy our response before the client has read it. So we
// send FIN, then read and drop whatever the client still sends until it
// closes its side too, for at most kLingerTime.
Task<void> Server::Connection::close_gracefully() {
  stream_.shutdown_write();
  Task<void> draining = discard_until_end(&stream_);
  try {
    co_await with_timeout(kLingerTime, std::move(draining));
  } catch (const TimeoutError&) {
    // The client keeps its side open: close ours anyway.
  }
}

}  // namespace corolab::http
