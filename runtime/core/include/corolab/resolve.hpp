#pragma once
// Name resolution without blocking the loop.
//
// getaddrinfo() blocks (it may ask a DNS server), and there is no portable
// non-blocking version, so it runs on the loop's thread pool
// (run_blocking), the way asyncio's loop.getaddrinfo does.

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "corolab/socket_address.hpp"
#include "corolab/task.hpp"

namespace corolab {

// The error category of getaddrinfo's EAI_* codes.
const std::error_category& resolver_category() noexcept;

// TCP addresses for `host` (a name or a numeric address). Throws
// std::system_error("resolve <host>") when the name cannot be resolved.
Task<std::vector<SocketAddress>> resolve(std::string host, std::uint16_t port);

}  // namespace corolab
