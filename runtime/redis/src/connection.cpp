#include "connection.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <system_error>

#include "corolab/redis/errors.hpp"
#include "corolab/resolve.hpp"

namespace corolab::redis::detail {

namespace {

constexpr std::size_t kReadSize = 16 * 1024;

// Closes the connection when an exchange ends before finish() is called:
// by an exception, or by a stop request (which is one, OperationCancelled).
class CloseUnlessFinished {
 public:
  explicit CloseUnlessFinished(Connection& connection) noexcept : connection_(connection) {}
  ~CloseUnlessFinished() {
    if (!finished_) connection_.close();
  }
  CloseUnlessFinished(const CloseUnlessFinished&) = delete;
  CloseUnlessFinished& operator=(const CloseUnlessFinished&) = delete;
  void finish() noexcept { finished_ = true; }

 private:
  Connection& connection_;
  bool finished_ = false;
};

// "connect: Connection refused", "resolve redis.invalid: Name or service not known"
std::string describe_connect_error(const std::string& host, const std::system_error& error) {
  if (error.code().category() == resolver_category()) {
    return "resolve " + host + ": " + error.code().message();
  }
  return "connect: " + error.code().message();
}

}  // namespace

Connection::Connection(TcpStream stream, std::string address)
    : stream_(std::move(stream)), address_(std::move(address)), buffer_(kReadSize) {}

Task<Connection> Connection::open(Url url, Duration connect_timeout) {
  TcpStream stream;
  try {
    stream = co_await TcpStream::connect(url.host, url.port, connect_timeout);
  } catch (const std::system_error& error) {
    throw ConnectionError(url.address(), describe_connect_error(url.host, error), error.code());
  }
  co_return Connection(std::move(stream), url.address());
}

Task<std::vector<Reply>> Connection::exchange(std::string request, std::size_t count) {
  CloseUnlessFinished guard(*this);
  try {
    co_await stream_.write_all(request);
  } catch (const std::system_error& error) {
    fail("write", error);
  }
  std::vector<Reply> replies;
  replies.reserve(count);
  while (replies.size() < count) {
    if (std::optional<Reply> reply = next_reply()) {
      replies.push_back(std::move(*reply));
      continue;
    }
    std::size_t received = 0;
    try {
      received = co_await stream_.read_some(buffer_);
    } catch (const std::system_error& error) {
      fail("read", error);
    }
    if (received == 0) throw ConnectionError(address_, "the server closed the connection");
    feed(std::span(buffer_).first(received));
  }
  guard.finish();
  co_return replies;
}

// The reader's protocol errors mean the peer is not speaking Redis (a web
// server, say, at a mistyped port).
void Connection::feed(std::span<const std::byte> bytes) {
  try {
    reader_.feed(bytes);
  } catch (const ReplyReader::ProtocolError& error) {
    not_redis(error);
  }
}

std::optional<Reply> Connection::next_reply() {
  try {
    return reader_.next();
  } catch (const ReplyReader::ProtocolError& error) {
    not_redis(error);
  }
}

void Connection::not_redis(const ReplyReader::ProtocolError& error) const {
  throw ConnectionError(address_, std::string("not a Redis server? ") + error.what());
}

bool Connection::closed_by_peer() const noexcept {
  std::byte byte;
  const ssize_t peeked = ::recv(stream_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return !(peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

void Connection::fail(const char* operation, const std::system_error& error) const {
  throw ConnectionError(address_, std::string(operation) + ": " + error.code().message(),
                        error.code());
}

}  // namespace corolab::redis::detail
