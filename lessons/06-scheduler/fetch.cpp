#include "fetch.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "mini_loop.hpp"

namespace lesson06 {

namespace {

// A file descriptor that closes itself.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket) = delete;
  ~Socket() {
    if (fd_ != -1) ::close(fd_);
  }
  int fd() const noexcept { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Starts connecting to 127.0.0.1:port without waiting for it: a
// non-blocking connect() says EINPROGRESS, and the socket becomes writable
// once the connection is made (or has failed).
Socket start_connecting(std::uint16_t port) {
  Socket socket(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (socket.fd() == -1) fail("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == -1 &&
      errno != EINPROGRESS) {
    fail("connect");
  }
  return socket;
}

// After the socket became writable: did the connection succeed?
void check_connected(int fd) {
  int error = 0;
  socklen_t size = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == -1) fail("getsockopt");
  if (error != 0) throw std::system_error(error, std::generic_category(), "connect");
}

// "HTTP/1.1 200 OK\r\n..." -> 200
int status_of(const std::string& response) {
  if (!response.starts_with("HTTP/1.1 ") || response.size() < 12) {
    throw std::runtime_error("not an HTTP/1.1 response");
  }
  return std::stoi(response.substr(9, 3));
}

std::string body_of(const std::string& response) {
  const std::size_t blank_line = response.find("\r\n\r\n");
  return blank_line == std::string::npos ? "" : response.substr(blank_line + 4);
}

void note(const Trace& trace, std::string_view event) {
  if (trace) trace(event);
}

}  // namespace

corolab::Task<Page> fetch(std::uint16_t port, std::string path, Trace trace) {
  // #region fetch_connect
  Socket socket = start_connecting(port);
  note(trace, "waits: writable (connecting)");
  co_await wait_writable(socket.fd());
  check_connected(socket.fd());
  // #endregion fetch_connect

  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n =
        ::send(socket.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN) {
      note(trace, "waits: writable (send buffer full)");
      co_await wait_writable(socket.fd());
    } else {
      fail("send");
    }
  }

  // #region fetch_read
  std::string response;
  char buffer[16 * 1024];
  while (true) {
    note(trace, "waits: readable");
    co_await wait_readable(socket.fd());
    const ssize_t n = ::read(socket.fd(), buffer, sizeof buffer);
    if (n == 0) break;  // the server closed: the response is complete
    if (n > 0) {
      response.append(buffer, static_cast<std::size_t>(n));
    } else if (errno != EAGAIN) {
      fail("read");
    }
  }
  // #endregion fetch_read
  note(trace, "done");
  co_return Page{path, status_of(response), body_of(response)};
}

}  // namespace lesson06
