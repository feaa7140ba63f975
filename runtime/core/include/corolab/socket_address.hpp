#pragma once
// SocketAddress: an IPv4 or IPv6 address and port, printable.

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace corolab {

class SocketAddress {
 public:
  SocketAddress() = default;
  SocketAddress(const sockaddr* address, socklen_t length) noexcept;

  // A numeric address ("127.0.0.1", "::1"); throws std::invalid_argument
  // for anything else (names go through resolve()).
  static SocketAddress parse(std::string_view ip, std::uint16_t port);
  static SocketAddress loopback(std::uint16_t port = 0) { return parse("127.0.0.1", port); }

  const sockaddr* data() const noexcept { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t size() const noexcept { return length_; }
  int family() const noexcept { return storage_.ss_family; }
  std::uint16_t port() const noexcept;

  // "127.0.0.1:8080" or "[::1]:8080"
  std::string to_string() const;

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace corolab
