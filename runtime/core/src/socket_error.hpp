#pragma once
// One way to report socket errors: the operation, the address, the reason.

#include <string>
#include <system_error>

#include "corolab/socket_address.hpp"

namespace corolab::detail {

// "read from 127.0.0.1:8080: Connection reset by peer"
[[noreturn]] inline void throw_socket_error(int error, const char* operation,
                                            const SocketAddress& address) {
  throw std::system_error(error, std::generic_category(),
                          std::string(operation) + " " + address.to_string());
}

}  // namespace corolab::detail
