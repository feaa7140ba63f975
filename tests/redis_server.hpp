#pragma once
// A Redis server on loopback, for the Redis client's tests: Debian's
// redis-server, started by the test on a free port and stopped by its pid,
// never the machine's own service.
//
//   RedisServer server;  // answers PING once this returns
//   auto url = corolab::redis::Url::parse(server.url());
//   server.stop();       // SIGTERM, and wait for it to end
//   server.start();      // again, on the same port: for the reconnect tests
//
// It persists nothing (--save '' --appendonly no), unless made with
// keep_data, and what it writes (its log, its append-only file) goes to a
// temporary folder of its own: a restarted server is empty, or (keep_data)
// has what it had.
// The port: the kernel picks a free one; if another program takes it before
// redis-server binds it, the constructor tries another. Readiness: the
// server answers PING within 10 s; if not (or it exits), the constructor
// throws with the server's log. Throws std::runtime_error, saying what to
// install, if redis-server is missing.

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "temporary_folder.hpp"

class RedisServer {
 public:
  RedisServer() : RedisServer(false) {}
  // keep_data: an append-only file, written before each command is
  // answered (appendfsync always), so that a stopped and started server
  // has everything it had: for a crawl that must survive a Redis restart.
  explicit RedisServer(bool keep_data);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;      // "redis://127.0.0.1:PORT"
  std::string address() const;  // "127.0.0.1:PORT", as the client's errors name it
  bool running() const { return pid_ > 0; }

  void stop();   // no-op when stopped
  void start();  // on the same port; throws if it cannot have it

 private:
  bool launch();  // false: the port was taken
  std::string log() const;

  TemporaryFolder folder_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool keep_data_ = false;
};
