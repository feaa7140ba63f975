#pragma once
// Where a Redis server is: `redis://HOST:PORT/DB`.
//
//   redis::Url url = redis::Url::parse("redis://127.0.0.1:6379/2");
//
// HOST is a name, an IPv4 address or an IPv6 address in brackets
// ("redis://[::1]:6379"); PORT defaults to 6379 and DB (a database index,
// chosen with SELECT on every connection) to 0. Anything else is refused
// with std::invalid_argument naming the URL: a crawl with a mistyped URL
// should stop at its first line, not wander off to the wrong place.
// Not supported (refused, with the reason): TLS (`rediss://`), a user and
// password, Unix sockets, query parameters.

#include <cstdint>
#include <string>
#include <string_view>

namespace corolab::redis {

struct Url {
  std::string host;  // without brackets: "::1"
  std::uint16_t port = 6379;
  int db = 0;

  static Url parse(std::string_view text);

  // "127.0.0.1:6379", "[::1]:6379": how errors name the server.
  std::string address() const;
  // "redis://127.0.0.1:6379/0"
  std::string to_string() const;

  bool operator==(const Url&) const = default;
};

}  // namespace corolab::redis
