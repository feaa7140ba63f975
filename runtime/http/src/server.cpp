#include "corolab/http/server.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <exception>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>

#include "corolab/cancellation.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/http/request_parser.hpp"
#include "corolab/io_wait_until.hpp"
#include "corolab/sleep.hpp"
#include "corolab/timeout.hpp"
#include "corolab/when_any.hpp"

namespace corolab::http {

namespace {

using namespace std::string_view_literals;

constexpr std::size_t kReadChunk = 4096;
// Room for a response head with a few headers, reserved at once.
constexpr std::size_t kTypicalHeadSize = 256;
// After a response with "Connection: close": how long we wait for the
// client to close its side (see close_gracefully).
constexpr Duration kLingerTime = std::chrono::seconds(1);
// After accept() fails (EMFILE: out of file descriptors): a pause before the next try.
constexpr Duration kAcceptRetryDelay = std::chrono::milliseconds(100);

// --- Small tasks, to race against each other with when_any -----------------

// Appends what the socket has (at least one byte) to *buffer; 0 at end of stream.
// It reads straight into the buffer's tail: no copy, and a small coroutine
// frame (a 4 KiB array in the frame would be too big for the frame
// allocator's cache, and cost a malloc per read).
Task<std::size_t> read_into(TcpStream* stream, std::string* buffer) {
  const std::size_t old_size = buffer->size();
  buffer->resize(old_size + kReadChunk);
  const std::span<std::byte> tail =
      std::as_writable_bytes(std::span(buffer->data() + old_size, kReadChunk));
  std::size_t received = 0;
  try {
    received = co_await stream->read_some(tail);
  } catch (...) {
    buffer->resize(old_size);
    throw;
  }
  buffer->resize(old_size + received);
  co_return received;
}

Task<void> wait_until_set(Event* event) { co_await event->wait(); }

// Reads and drops everything until the client closes its side.
Task<void> discard_until_end(TcpStream* stream) {
  std::array<std::byte, kReadChunk> chunk;
  while (true) {
    const std::size_t received = co_await stream->read_some(chunk);
    if (received == 0) co_return;
  }
}

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

// "Expect: 100-continue": the client waits for a "go ahead" before it sends
// the body (curl does for large bodies, and otherwise waits a second).
bool expects_continue(const Request& request) noexcept {
  const std::optional<std::string_view> expect = request.headers.get("Expect");
  return request.version_minor >= 1 && expect && iequals(*expect, "100-continue");
}

// --- Responses -------------------------------------------------------------

// 1xx, 204 and 304 responses never have a body (RFC 9110 6.4.1), so they
// get no Content-Length either.
bool status_has_body(int status) noexcept {
  return status >= 200 && status != 204 && status != 304;
}

// The server alone decides how a message is framed and whether the
// connection stays open; a handler's copies of these fields could contradict it.
bool is_framing_field(std::string_view name) noexcept {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Connection");
}

bool has_line_break(std::string_view text) noexcept {
  // (Not find_first_of("\r\n"): libstdc++ calls memchr once per character.)
  return std::ranges::any_of(text, [](char c) { return c == '\r' || c == '\n'; });
}

// Why a handler's response cannot be sent as it is; empty if it can.
std::string invalid_response_reason(const Response& response) {
  if (response.status < 200 || response.status > 599) {
    return fmt::format("status {} is outside 200..599", response.status);
  }
  // A line break in a header would let the handler's input split the
  // response in two ("response splitting").
  for (const Headers::Field& field : response.headers) {
    if (has_line_break(field.name) || has_line_break(field.value)) {
      return "line break in header " + field.name;
    }
  }
  return {};
}

// The Connection header to send, if any: "close" when we are going to close;
// "keep-alive" for an HTTP/1.0 client, which would otherwise assume close.
std::string_view connection_header(bool keep_alive, int version_minor) noexcept {
  if (!keep_alive) return "close";
  return version_minor == 0 ? "keep-alive" : "";
}

// Plain appends rather than fmt::format: this runs for every response, and
// the head is a handful of short pieces.
void append_number(std::string& text, std::size_t number) {
  std::array<char, 20> digits;
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr;
  text.append(digits.data(), end);
}

void append_field(std::string& head, std::string_view name, std::string_view value) {
  head.append(name).append(": "sv).append(value).append("\r\n"sv);
}

// Appends "HTTP/1.1 200 OK", the handler's headers, then the framing fields we own.
void append_response_head(std::string& message, const Response& response,
                          std::string_view connection) {
  message.append("HTTP/1.1 "sv);
  append_number(message, static_cast<std::size_t>(response.status));  // 200..599: checked before
  message.append(" "sv).append(reason_phrase(response.status)).append("\r\n"sv);
  for (const Headers::Field& field : response.headers) {
    if (!is_framing_field(field.name)) append_field(message, field.name, field.value);
  }
  // For HEAD too: the length the body of a GET would have.
  if (status_has_body(response.status)) {
    message.append("Content-Length: "sv);
    append_number(message, response.body.size());
    message.append("\r\n"sv);
  }
  if (!connection.empty()) append_field(message, "Connection", connection);
  message.append("\r\n"sv);
}

// --- What came of waiting for a request ------------------------------------

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

Incoming complete_request(Request request) {
  Incoming incoming;
  incoming.kind = Incoming::Kind::request;
  incoming.request = std::move(request);
  return incoming;
}

Incoming refused(int status, std::string reason) {
  Incoming incoming;
  incoming.kind = Incoming::Kind::refused;
  incoming.status = status;
  incoming.reason = std::move(reason);
  return incoming;
}

Incoming client_closed() { return Incoming{}; }

}  // namespace

// --- One connection --------------------------------------------------------

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
  Task<void> serve_requests();
  Task<bool> wait_for_request_start(TimePoint deadline);
  std::optional<Incoming> take_buffered_request();
  Task<Incoming> receive_request(TimePoint deadline);
  Task<Incoming> read_request();
  std::optional<Incoming> refusal(const ParsedHead& head, const BodyLength& body) const;
  Incoming take_request(ParsedHead& head, std::size_t body_length);
  Task<bool> answer(Request request);
  Task<Response> call_handler(Request request, bool* failed);
  Task<void> refuse(int status, std::string reason);
  Task<void> send_response(Response response, bool head_only, std::string_view connection);
  Task<void> close_gracefully();

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
    std::optional<Incoming> arrived = take_buffered_request();
    if (!arrived) {
      const TimePoint head_due = EventLoop::current().now() + options.head_timeout;
      Incoming received = co_await receive_request(head_due);
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
  const std::size_t received = co_await read_into(&stream_, &buffer_);
  co_return received > 0;
}

// The request at the start of buffer_, if its head and body have all
// arrived (or its head is already known to be bad); nothing if bytes are
// still missing (then read_request parses the head again, as more comes).
std::optional<Incoming> Server::Connection::take_buffered_request() {
  ParsedHead head = parse_request_head(buffer_, server_.options_.max_head_size);
  if (head.status == ParsedHead::Status::incomplete) return std::nullopt;
  const BodyLength body = request_body_length(head.request.headers);
  if (std::optional<Incoming> bad = refusal(head, body)) return bad;
  if (buffer_.size() - head.head_size < body.length) return std::nullopt;
  return take_request(head, body.length);
}

// read_request, but the client only has until `deadline`: then 408.
Task<Incoming> Server::Connection::receive_request(TimePoint deadline) {
  Task<Incoming> reading = read_request();
  try {
    Incoming incoming = co_await with_deadline(deadline, std::move(reading));
    co_return std::move(incoming);
  } catch (const TimeoutError&) {
    // Fall through: answer 408.
  }
  co_return refused(408, "request not received in time");
}

// Reads until the head is complete, then the Content-Length body. Bytes
// after them (the next pipelined request) stay in buffer_.
Task<Incoming> Server::Connection::read_request() {
  const ServerOptions& options = server_.options_;
  ParsedHead head = parse_request_head(buffer_, options.max_head_size);
  while (head.status == ParsedHead::Status::incomplete) {
    const std::size_t received = co_await read_into(&stream_, &buffer_);
    if (received == 0) co_return client_closed();
    const bool line_ended =
        std::string_view(buffer_).substr(buffer_.size() - received).find('\n') !=
        std::string_view::npos;
    // Until another line has ended, parsing again could tell nothing new.
    if (line_ended || buffer_.size() >= options.max_head_size) {
      head = parse_request_head(buffer_, options.max_head_size);
    }
  }
  const BodyLength body = request_body_length(head.request.headers);
  if (std::optional<Incoming> bad = refusal(head, body)) co_return std::move(*bad);
  const auto body_received = [&] { return buffer_.size() - head.head_size >= body.length; };
  if (!body_received() && expects_continue(head.request)) {
    co_await stream_.write_all(std::string_view("HTTP/1.1 100 Continue\r\n\r\n"));
  }
  while (!body_received()) {
    const std::size_t received = co_await read_into(&stream_, &buffer_);
    if (received == 0) co_return client_closed();
  }
  co_return take_request(head, body.length);
}

// Why a complete head must be refused, if it must: it is malformed, or its
// body is badly framed or too large.
std::optional<Incoming> Server::Connection::refusal(const ParsedHead& head,
                                                    const BodyLength& body) const {
  if (head.status == ParsedHead::Status::error) return refused(head.error_status, head.error);
  if (!body.ok()) return refused(body.error_status, body.error);
  if (body.length > server_.options_.max_body_size) return refused(413, "request body too large");
  return std::nullopt;
}

// Moves a request whose head and body are both in buffer_ out of it.
Incoming Server::Connection::take_request(ParsedHead& head, std::size_t body_length) {
  head.request.body = buffer_.substr(head.head_size, body_length);
  buffer_.erase(0, head.head_size + body_length);
  return complete_request(std::move(head.request));
}

// Runs the handler and sends its response. True if the connection stays open.
Task<bool> Server::Connection::answer(Request request) {
  const bool head_only = request.method == "HEAD";
  const int version_minor = request.version_minor;
  const bool client_keeps_alive = request.wants_keep_alive();
  bool handler_failed = false;
  Response response = co_await call_handler(std::move(request), &handler_failed);
  const bool keep_alive = client_keeps_alive && !handler_failed && !response.closes_connection() &&
                          !server_.stopping_.is_set();
  co_await send_response(std::move(response), head_only,
                         connection_header(keep_alive, version_minor));
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
  Response response = Response::text(status, reason + "\n");
  co_await send_response(std::move(response), false, "close");
  co_await close_gracefully();
}

// The status line and headers, then the body (none for HEAD): in one write,
// unless the response has a body writer of its own.
Task<void> Server::Connection::send_response(Response response, bool head_only,
                                             std::string_view connection) {
  std::string_view body = response.body;
  if (head_only || !status_has_body(response.status)) body = {};
  const bool own_writer = static_cast<bool>(response.write_body);

  std::string message;
  message.reserve(kTypicalHeadSize + (own_writer ? 0 : body.size()));  // one allocation, usually
  append_response_head(message, response, connection);
  if (!own_writer) message += body;
  co_await stream_.write_all(message);
  if (own_writer) co_await response.write_body(stream_, body);
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

// --- The server ------------------------------------------------------------

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
