// How a Server::Connection gets its next request off the wire: at once when
// it has all arrived, else read piece by piece, against a deadline.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "corolab/timeout.hpp"
#include "server_connection.hpp"

namespace corolab::http {

namespace {

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

// "Expect: 100-continue": the client waits for a "go ahead" before it sends
// the body (curl does for large bodies, and otherwise waits a second).
bool expects_continue(const Request& request) noexcept {
  const std::optional<std::string_view> expect = request.headers.get("Expect");
  return request.version_minor >= 1 && expect && iequals(*expect, "100-continue");
}

}  // namespace

// It reads straight into buffer_'s tail: no copy, and a small coroutine
// frame (a 4 KiB array in the frame would be too big for the frame
// allocator's cache, and cost a malloc per read).
Task<std::size_t> Server::Connection::receive_more() {
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadChunk);
  const std::span<std::byte> tail =
      std::as_writable_bytes(std::span(buffer_.data() + old_size, kReadChunk));
  std::size_t received = 0;
  try {
    received = co_await stream_.read_some(tail);
  } catch (...) {
    buffer_.resize(old_size);
    throw;
  }
  buffer_.resize(old_size + received);
  co_return received;
}

// Also a head already known to be bad; nothing while bytes are missing
// (read_rest_of_request then parses the head again, as more comes).
std::optional<Incoming> Server::Connection::take_arrived_request() {
  ParsedHead head = parse_request_head(buffer_, server_.options_.max_head_size);
  if (head.status == ParsedHead::Status::incomplete) return std::nullopt;
  const BodyLength body = request_body_length(head.request.headers);
  if (std::optional<Incoming> bad = refusal(head, body)) return bad;
  if (buffer_.size() - head.head_size < body.length) return std::nullopt;
  return cut_request_from_buffer(head, body.length);
}

Task<Incoming> Server::Connection::read_request_within(TimePoint deadline) {
  Task<Incoming> reading = read_rest_of_request();
  try {
    Incoming incoming = co_await with_deadline(deadline, std::move(reading));
    co_return std::move(incoming);
  } catch (const TimeoutError&) {
    // Fall through: answer 408.
  }
  co_return refused(408, "request not received in time");
}

// The head first, then the Content-Length body. Bytes after them (the next
// pipelined request) stay in buffer_.
Task<Incoming> Server::Connection::read_rest_of_request() {
  const ServerOptions& options = server_.options_;
  ParsedHead head = parse_request_head(buffer_, options.max_head_size);
  while (head.status == ParsedHead::Status::incomplete) {
    const std::size_t received = co_await receive_more();
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
    const std::size_t received = co_await receive_more();
    if (received == 0) co_return client_closed();
  }
  co_return cut_request_from_buffer(head, body.length);
}

// The head is malformed, or its body is badly framed or too large.
std::optional<Incoming> Server::Connection::refusal(const ParsedHead& head,
                                                    const BodyLength& body) const {
  if (head.status == ParsedHead::Status::error) return refused(head.error_status, head.error);
  if (!body.ok()) return refused(body.error_status, body.error);
  if (body.length > server_.options_.max_body_size) return refused(413, "request body too large");
  return std::nullopt;
}

Incoming Server::Connection::cut_request_from_buffer(ParsedHead& head, std::size_t body_length) {
  head.request.body = buffer_.substr(head.head_size, body_length);
  buffer_.erase(0, head.head_size + body_length);
  return complete_request(std::move(head.request));
}

}  // namespace corolab::http
