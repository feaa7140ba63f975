#include "corolab/resolve.hpp"

#include <netdb.h>

#include <memory>

#include "corolab/thread_pool.hpp"

namespace corolab {

namespace {

class ResolverCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "resolver"; }
  std::string message(int code) const override { return ::gai_strerror(code); }
};

// Runs on a pool thread.
std::vector<SocketAddress> blocking_getaddrinfo(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (status != 0) throw std::system_error(status, resolver_category(), "resolve " + host);
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found, ::freeaddrinfo);
  std::vector<SocketAddress> addresses;
  for (addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
    addresses.emplace_back(entry->ai_addr, entry->ai_addrlen);
  }
  return addresses;
}

}  // namespace

const std::error_category& resolver_category() noexcept {
  static const ResolverCategory category;
  return category;
}

Task<std::vector<SocketAddress>> resolve(std::string host, std::uint16_t port) {
  auto lookup = [host, port] { return blocking_getaddrinfo(host, port); };
  auto addresses = co_await run_blocking(std::move(lookup));
  co_return addresses;
}

}  // namespace corolab
