// Lesson 01: the fetcher's callbacks. One fetch is one chain:
//
//   fetch()        socket, non-blocking connect(), watch POLLOUT
//   on_writable    connected? send what is left of the request
//   on_readable    append what arrived; at EOF the response is complete
//   done(result)   the caller's callback
//
// No function waits. Each does what it can now and returns to the loop.
#include "callback_fetch.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

namespace lesson01 {

namespace {

struct Endpoint {
  sockaddr_in address{};
  std::string host_and_port;  // for the Host header
  std::string path;           // "/section-1/topic-0/page-3.html"
};

// "http://127.0.0.1:8080/a.html" only: a numeric IPv4 address and a port.
// (No DNS here: a name lookup is one more blocking call.)
std::optional<Endpoint> parse_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return std::nullopt;
  url.remove_prefix(scheme.size());
  const std::size_t slash = std::min(url.find('/'), url.size());
  const std::string host_and_port(url.substr(0, slash));
  const std::size_t colon = host_and_port.find(':');
  if (colon == std::string::npos) return std::nullopt;

  Endpoint endpoint;
  endpoint.address.sin_family = AF_INET;
  const std::string host = host_and_port.substr(0, colon);
  if (::inet_pton(AF_INET, host.c_str(), &endpoint.address.sin_addr) != 1) return std::nullopt;
  const char* port_begin = host_and_port.data() + colon + 1;
  const char* port_end = host_and_port.data() + host_and_port.size();
  unsigned short port = 0;
  const auto [end, error] = std::from_chars(port_begin, port_end, port);
  if (error != std::errc{} || end != port_end) return std::nullopt;
  endpoint.address.sin_port = htons(port);
  endpoint.host_and_port = host_and_port;
  endpoint.path = slash < url.size() ? std::string(url.substr(slash)) : "/";
  return endpoint;
}

// "HTTP/1.1 200 OK\r\n<headers>\r\n\r\n<body>": the status and the body.
// The server closes the connection after the body ("Connection: close"), so
// everything after the blank line is the body.
bool parse_response(const std::string& response, FetchResult* result) {
  const std::size_t blank_line = response.find("\r\n\r\n");
  if (!response.starts_with("HTTP/1.") || response.size() < 12 || blank_line == std::string::npos)
    return false;
  const auto [end, error] =
      std::from_chars(response.data() + 9, response.data() + 12, result->status);
  if (error != std::errc{} || end != response.data() + 12) return false;
  result->body = response.substr(blank_line + 4);
  return true;
}

// connect() on a non-blocking socket: 0, or the error (EINPROGRESS: started).
int start_connect(int fd, const sockaddr_in& address) {
  const auto* generic = reinterpret_cast<const sockaddr*>(&address);
  return ::connect(fd, generic, sizeof address) == 0 ? 0 : errno;
}

}  // namespace

std::string error_text(const char* call, int error) {
  return std::string(call) + ": " + std::strerror(error);
}

// send() that reports a peer that hung up as EPIPE instead of killing the
// process with SIGPIPE.
ssize_t send_some(int fd, std::string_view bytes) {
#ifdef MSG_NOSIGNAL
  return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
#else
  return ::send(fd, bytes.data(), bytes.size(), 0);  // macOS: SO_NOSIGPIPE, set in fetch()
#endif
}

// The outcome of a non-blocking connect(), once the socket is writable.
int connect_error(int fd) {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK || error == EINTR; }

Transfer::~Transfer() {
  if (fd >= 0) ::close(fd);
}

void CallbackFetcher::fetch(const std::string& url, Done done) {
  auto transfer = std::make_shared<Transfer>();
  transfer->url = url;
  transfer->done = std::move(done);
  const std::optional<Endpoint> endpoint = parse_url(url);
  if (!endpoint) return fail_soon(transfer, "not an http://<IPv4>:<port>/ URL");
  transfer->request = "GET " + endpoint->path + " HTTP/1.1\r\nHost: " + endpoint->host_and_port +
                      "\r\nConnection: close\r\n\r\n";

  transfer->fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (transfer->fd < 0) return fail_soon(transfer, error_text("socket", errno));
#ifdef SO_NOSIGPIPE
  const int on = 1;
  ::setsockopt(transfer->fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
  // #region connect
  // No call on it may wait. F_SETFL replaces all the status flags: add
  // O_NONBLOCK to the ones it has (F_GETFL), do not wipe them.
  ::fcntl(transfer->fd, F_SETFL, ::fcntl(transfer->fd, F_GETFL) | O_NONBLOCK);
  const int error = start_connect(transfer->fd, endpoint->address);
  if (error != 0 && error != EINPROGRESS) {
    return fail_soon(transfer, error_text("connect", error));
  }
  // EINPROGRESS: connecting. The socket becomes writable when connect()
  // has ended, well or badly.
  loop_->watch(transfer->fd, POLLOUT, "on_writable", [this, transfer] { on_writable(transfer); });
  // #endregion connect
}

void CallbackFetcher::on_writable(const TransferPtr& transfer) {
  // #exercise on_writable: check connect_error() once; send the request; then wait_for_response()
  // #region connected
  if (!transfer->connected) {  // the first call: connect() has finished
    const int error = connect_error(transfer->fd);
    if (error != 0) return fail(transfer, error_text("connect", error));
    transfer->connected = true;
  }
  // #endregion connected
  // #region send_rest
  std::string_view rest = transfer->request;
  rest.remove_prefix(transfer->sent);  // what is not sent yet
  const ssize_t written = send_some(transfer->fd, rest);
  if (written < 0) {
    if (would_block(errno)) return;  // no room after all: wait for POLLOUT
    return fail(transfer, error_text("send", errno));
  }
  transfer->sent += static_cast<std::size_t>(written);
  if (transfer->sent == transfer->request.size()) {
    wait_for_response(transfer);
  }
  // Otherwise a partial write: the loop calls us again when there is room.
  // #endregion send_rest
  // #starter
  // (void)transfer;
  // throw std::logic_error("lesson 01: write CallbackFetcher::on_writable");
  // #endexercise
}

void CallbackFetcher::on_readable(const TransferPtr& transfer) {
  // #exercise on_readable: recv into transfer->response; at EOF complete(); on an error fail()
  char buffer[4096];
  const ssize_t received = ::recv(transfer->fd, buffer, sizeof buffer, 0);
  if (received < 0) {
    if (would_block(errno)) return;  // nothing after all: wait for POLLIN
    return fail(transfer, error_text("recv", errno));
  }
  if (received == 0) return complete(transfer);  // EOF: all there is
  transfer->response.append(buffer, static_cast<std::size_t>(received));
  // #starter
  // (void)transfer;
  // throw std::logic_error("lesson 01: write CallbackFetcher::on_readable");
  // #endexercise
}

void CallbackFetcher::wait_for_response(const TransferPtr& transfer) {
  transfer->in_flight = true;
  max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
  loop_->watch(transfer->fd, POLLIN, "on_readable", [this, transfer] { on_readable(transfer); });
}

void CallbackFetcher::complete(const TransferPtr& transfer) {
  FetchResult result;
  result.url = transfer->url;
  if (!parse_response(transfer->response, &result)) {
    result = FetchResult{};
    result.url = transfer->url;
    result.error = "not an HTTP response";
  }
  finish(transfer, std::move(result));
}

void CallbackFetcher::fail(const TransferPtr& transfer, const std::string& error) {
  FetchResult result;
  result.url = transfer->url;
  result.error = error;
  finish(transfer, std::move(result));
}

// Errors found inside fetch() are reported from the loop too: a caller is
// never called back before fetch() has even returned.
void CallbackFetcher::fail_soon(const TransferPtr& transfer, const std::string& error) {
  loop_->call_soon("fail", [this, transfer, error] { fail(transfer, error); });
}

void CallbackFetcher::finish(const TransferPtr& transfer, FetchResult result) {
  if (transfer->in_flight) --in_flight_;
  transfer->in_flight = false;
  if (transfer->fd >= 0) {
    loop_->unwatch(transfer->fd);  // drops the callback and its `transfer`
    ::close(transfer->fd);
    transfer->fd = -1;
  }
  Done done = std::move(transfer->done);
  done(std::move(result));
}

}  // namespace lesson01
