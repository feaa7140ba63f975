#pragma once
// The two pieces of hiredis the client uses, behind C++ types: the command
// formatter (arguments -> RESP bytes) and the reply reader (bytes, in any
// pieces -> replies). Nothing of hiredis leaks out of this file's .cpp.

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "corolab/redis/reply.hpp"

struct redisReader;

namespace corolab::redis::detail {

// Appends one command, as RESP (an array of bulk strings), to `out`.
// Throws std::invalid_argument for an empty command (it has no name).
void append_command(std::string& out, const std::vector<std::string>& args);

// Fed the bytes of a connection as they arrive, hands out each reply once
// it is complete. A protocol error (the peer is not speaking Redis) throws
// ProtocolError, and the reader is of no further use: close the connection.
class ReplyReader {
 public:
  struct ProtocolError : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

  ReplyReader();
  void feed(std::span<const std::byte> bytes);
  // The next complete reply, or nullopt until more bytes are fed.
  std::optional<Reply> next();

 private:
  struct Free {
    void operator()(redisReader* reader) const noexcept;
  };
  std::unique_ptr<redisReader, Free> reader_;
};

}  // namespace corolab::redis::detail
