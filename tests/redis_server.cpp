// A Redis server on loopback: see redis_server.hpp.
#include "redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

#include "child_process.hpp"

using namespace std::chrono_literals;

namespace {

std::string temporary_folder_name() {
  static int servers = 0;  // two servers of one test process get folders of their own
  return "redis-server-" + std::to_string(++servers);
}

// Sends an inline PING on a plain blocking socket (waiting at most a second
// for the answer) and checks for +PONG: the server is up and serving.
bool answers_ping(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const timeval one_second{.tv_sec = 1, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &one_second, sizeof one_second);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  std::string answer;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, "PING\r\n", 6, MSG_NOSIGNAL) == 6) {
    char buffer[64];
    for (ssize_t got; answer.find("\r\n") == std::string::npos &&
                      (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
      answer.append(buffer, static_cast<std::size_t>(got));
    }
  }
  ::close(fd);
  return answer.starts_with("+PONG\r\n");
}

}  // namespace

RedisServer::RedisServer(bool keep_data) : folder_(temporary_folder_name()), keep_data_(keep_data) {
  for (int attempt = 1;; ++attempt) {
    port_ = free_loopback_ports(1).front();
    if (launch()) return;
    if (attempt == 3) throw std::runtime_error("RedisServer: no free port:\n" + log());
  }
}

RedisServer::~RedisServer() { stop(); }

std::string RedisServer::url() const { return "redis://" + address(); }

std::string RedisServer::address() const { return "127.0.0.1:" + std::to_string(port_); }

void RedisServer::stop() {
  stop_process(pid_);  // SIGTERM: redis-server closes its clients and exits
  pid_ = -1;
}

void RedisServer::start() {
  if (running()) return;
  if (!launch())
    throw std::runtime_error("RedisServer: port " + address() + " is taken:\n" + log());
}

bool RedisServer::launch() {
  const std::string dir = folder_.path.string();
  std::vector<std::string> args{"redis-server",
                                "--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--save",
                                "",
                                "--daemonize",
                                "no",
                                "--dir",
                                dir,
                                "--logfile",
                                ""};
  const std::vector<std::string> durability =
      keep_data_ ? std::vector<std::string>{"--appendonly", "yes", "--appendfsync", "always"}
                 : std::vector<std::string>{"--appendonly", "no"};
  args.insert(args.end(), durability.begin(), durability.end());
  pid_ = spawn_logged(args, folder_.path / "redis.log");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!answers_ping(port_)) {
    if (has_exited(pid_)) {
      pid_ = -1;
      if (log().find("Address already in use") != std::string::npos) return false;
      throw std::runtime_error("RedisServer: redis-server did not start:\n" + log());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("RedisServer: no answer to PING within 10 s:\n" + log());
    }
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::string RedisServer::log() const { return read_text(folder_.path / "redis.log"); }
