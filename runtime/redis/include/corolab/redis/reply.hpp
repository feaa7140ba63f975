#pragma once
// A Redis reply as a plain value: nil, an integer, a string, a status
// ("OK"), an error, or an array of replies.
//
// hiredis hands out a tree of redisReply structs that must be freed with
// freeReplyObject(); the client copies each one into a Reply and frees the
// tree at once, so no hiredis object ever reaches the caller.

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corolab::redis {

struct Reply {
  enum class Type { nil, integer, string, status, error, array };

  Type type = Type::nil;
  long long integer = 0;        // Type::integer
  std::string text;             // string, status, error: the bytes as sent (binary-safe)
  std::vector<Reply> elements;  // Type::array

  static Reply nil() { return Reply{}; }
  static Reply from_integer(long long value) { return Reply{Type::integer, value, {}, {}}; }
  static Reply string(std::string value) { return Reply{Type::string, 0, std::move(value), {}}; }
  static Reply status(std::string value) { return Reply{Type::status, 0, std::move(value), {}}; }
  static Reply error(std::string value) { return Reply{Type::error, 0, std::move(value), {}}; }
  static Reply array(std::vector<Reply> values) {
    return Reply{Type::array, 0, {}, std::move(values)};
  }

  bool is_nil() const noexcept { return type == Type::nil; }
  bool is_error() const noexcept { return type == Type::error; }

  // The value, when the reply is of that type; else UnexpectedReply (errors.hpp),
  // which says what came instead. as_string() takes a string or a status.
  long long as_integer() const;
  const std::string& as_string() const;
  const std::vector<Reply>& as_array() const;
  // GET's shape: a string, or nullopt for nil.
  std::optional<std::string> as_optional_string() const;

  bool operator==(const Reply&) const = default;
};

std::string_view to_string(Reply::Type type) noexcept;

// As redis-cli prints it: (nil), (integer) 3, "text" (escaped), OK,
// (error) ERR ..., and arrays as [a, b]. For messages and test output.
std::string to_string(const Reply& reply);
std::ostream& operator<<(std::ostream& out, const Reply& reply);

}  // namespace corolab::redis
