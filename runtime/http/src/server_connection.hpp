#pragma once
// Server::Connection: one client's connection, request after request.
// server_connection.cpp runs it (keep-alive, the idle list, the handler,
// closing); request_reading.cpp gets each request off the wire.

#include <cstddef>
#include <optional>
#include <string>

#include "corolab/clock.hpp"
#include "corolab/detail/intrusive_list.hpp"
#include "corolab/http/message.hpp"
#include "corolab/http/request_parser.hpp"
#include "corolab/http/server.hpp"
#include "corolab/io_wait_until.hpp"
#include "corolab/task.hpp"
#include "corolab/tcp_stream.hpp"

namespace corolab::http {

// How much one read asks the socket for.
inline constexpr std::size_t kReadChunk = 4096;

// What came of waiting for a request.
struct Incoming {
  enum class Kind {
    request,  // a complete request, body included
    refused,  // answer `status` (400, 408, 413, ...) and close
    closed    // the client closed the connection: nothing to answer
  };
  Kind kind = Kind::closed;
  Request request;
  int status = 0;
  std::string reason;
};

// (A ListHook: while it waits for its next request, it is in the server's
// list of idle connections.)
class Server::Connection : public detail::ListHook {
 public:
  Connection(Server& server, TcpStream stream) noexcept
      : server_(server), stream_(std::move(stream)) {}

  // Serves requests until the connection is done. Only a cancellation of
  // serve() escapes: a connection's troubles must not stop its siblings.
  Task<void> run();

  // From Server::stop(): if it waits for a next request, stop waiting.
  void stop_waiting() noexcept {
    if (idle_wait_ != nullptr) idle_wait_->interrupt();
  }

 private:
  // --- The conversation (server_connection.cpp) ---
  Task<void> serve_requests();
  Task<bool> wait_for_request_start(TimePoint deadline);
  Task<bool> answer(Request request);
  Task<Response> call_handler(Request request, bool* failed);
  Task<void> refuse(int status, std::string reason);
  Task<void> close_gracefully();

  // --- Getting the next request (request_reading.cpp) ---
  // Appends what the socket has to buffer_; 0 at end of stream.
  Task<std::size_t> receive_more();
  // The next request if all of it has arrived already: no read, no timer.
  std::optional<Incoming> take_arrived_request();
  // read_rest_of_request, or 408 if `deadline` comes first.
  Task<Incoming> read_request_within(TimePoint deadline);
  // Reads until the next request's head and body are all in, however long.
  Task<Incoming> read_rest_of_request();
  // Why a complete head is refused (400, 413, ...), if it is.
  std::optional<Incoming> refusal(const ParsedHead& head, const BodyLength& body) const;
  // Moves a request whose head and body are all in buffer_ out of it.
  Incoming cut_request_from_buffer(ParsedHead& head, std::size_t body_length);

  // While it lives, the connection is on the server's idle list, waiting in
  // `wait` (whichever way the wait ends, even by an exception).
  struct IdleRegistration {
    Connection* connection;
    IdleRegistration(Connection* idle, IoWaitUntil* wait) noexcept : connection(idle) {
      connection->idle_wait_ = wait;
      connection->server_.idle_.push_back(*connection);
    }
    ~IdleRegistration() {
      connection->unlink();
      connection->idle_wait_ = nullptr;
    }
    IdleRegistration(const IdleRegistration&) = delete;
    IdleRegistration& operator=(const IdleRegistration&) = delete;
  };

  Server& server_;
  TcpStream stream_;
  std::string buffer_;                // received but not used yet: the start of the next request
  IoWaitUntil* idle_wait_ = nullptr;  // set while waiting for the next request
};

}  // namespace corolab::http
