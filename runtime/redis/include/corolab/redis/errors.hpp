#pragma once
// What can go wrong with a Redis command, in terms a program can act on.
//
//   Error             the base of the three below
//   ├ ReplyError       Redis answered with an error ("WRONGTYPE ..."): the
//   │                  connection is fine; retrying the same command won't help
//   ├ ConnectionError  could not connect, or the connection broke: the
//   │                  command may or may not have run; the next command
//   │                  connects again (see Client in client.hpp)
//   └ UnexpectedReply  a Reply read as the wrong type (as_integer() on nil)
//
// A timed-out command throws redis::TimeoutError, which is a
// corolab::TimeoutError (what with_timeout throws), and a cancelled one
// corolab::OperationCancelled, as every other wait in the runtime does.
// Every message starts with "redis at HOST:PORT: ".

#include <stdexcept>
#include <string>
#include <system_error>

#include "corolab/clock.hpp"
#include "corolab/timeout.hpp"

namespace corolab::redis {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ReplyError : public Error {
 public:
  // `command` is the command's name (args[0]), never its arguments: they may
  // be large, or secret.
  ReplyError(const std::string& address, const std::string& command, std::string reply_text);
  // Redis's own words: "WRONGTYPE Operation against a key holding the wrong kind of value"
  const std::string& reply_text() const noexcept { return reply_text_; }
  // Its first word, the error's kind by Redis's convention: "WRONGTYPE", "ERR", "NOAUTH".
  std::string code() const;

 private:
  std::string reply_text_;
};

class ConnectionError : public Error {
 public:
  // "redis at 127.0.0.1:6379: connect: Connection refused"
  ConnectionError(std::string address, const std::string& detail, std::error_code code = {});
  const std::string& address() const noexcept { return address_; }
  // What went wrong, without the address: "connect: Connection refused"
  const std::string& detail() const noexcept { return detail_; }
  // The system's reason (ECONNREFUSED, ...), or empty when there is none:
  // the server closed the connection, or did not speak Redis.
  std::error_code code() const noexcept { return code_; }

 private:
  std::string address_;
  std::string detail_;
  std::error_code code_;
};

class UnexpectedReply : public Error {
 public:
  using Error::Error;
};

class TimeoutError : public corolab::TimeoutError {
 public:
  // "redis at 127.0.0.1:6379: BLPOP timed out after 50 ms"
  TimeoutError(const std::string& address, const std::string& what_timed_out, Duration timeout);
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

}  // namespace corolab::redis
