#pragma once
// One connection to Redis: a TcpStream, and a hiredis reply reader fed from
// it. Client (client.cpp) decides when to make one and when to give up on
// one; this is the part that moves bytes.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/redis/reply.hpp"
#include "corolab/redis/url.hpp"
#include "corolab/task.hpp"
#include "corolab/tcp_stream.hpp"
#include "hiredis_protocol.hpp"

namespace corolab::redis::detail {

class Connection {
 public:
  // Throws ConnectionError naming the URL's address.
  static Task<Connection> open(Url url, Duration connect_timeout);

  // Sends `request` (`count` commands, formatted) and reads `count` replies.
  // Throws ConnectionError. However it ends early (that, a stop request, a
  // timeout), it closes the connection: the unread replies must never be
  // taken for the next exchange's (client.hpp says more).
  Task<std::vector<Reply>> exchange(std::string request, std::size_t count);

  bool is_open() const noexcept { return stream_.is_open(); }
  void close() noexcept { stream_.close(); }
  // Between exchanges nothing may arrive: readable now means the server
  // closed its end (a restart, an idle timeout) or sent something unasked.
  bool closed_by_peer() const noexcept;

 private:
  Connection(TcpStream stream, std::string address);
  void feed(std::span<const std::byte> bytes);
  std::optional<Reply> next_reply();
  [[noreturn]] void not_redis(const ReplyReader::ProtocolError& error) const;
  [[noreturn]] void fail(const char* operation, const std::system_error& error) const;

  TcpStream stream_;
  std::string address_;  // "host:port", as the URL names it
  ReplyReader reader_;
  std::vector<std::byte> buffer_;
};

}  // namespace corolab::redis::detail
