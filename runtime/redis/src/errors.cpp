#include "corolab/redis/errors.hpp"

#include "seconds_text.hpp"

namespace corolab::redis {

ReplyError::ReplyError(const std::string& address, const std::string& command,
                       std::string reply_text)
    : Error("redis at " + address + ": " + command + ": " + reply_text),
      reply_text_(std::move(reply_text)) {}

std::string ReplyError::code() const { return reply_text_.substr(0, reply_text_.find(' ')); }

ConnectionError::ConnectionError(std::string address, const std::string& detail,
                                 std::error_code code)
    : Error("redis at " + address + ": " + detail),
      address_(std::move(address)),
      detail_(detail),
      code_(code) {}

TimeoutError::TimeoutError(const std::string& address, const std::string& what_timed_out,
                           Duration timeout)
    : message_("redis at " + address + ": " + what_timed_out + " timed out after " +
               detail::seconds_text(timeout)) {}

}  // namespace corolab::redis
