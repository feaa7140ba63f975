#pragma once
// Servers that tests start as programs of their own, on loopback: nginx
// (tls_site.hpp), redis-server (redis_server.hpp). Starting one with its
// output in a log file, finding it a free port, knowing when it listens,
// and stopping it by its pid, never by its name.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// Starts `args` (looked up on PATH) with standard output and error going to
// `log` (appended), and no other file descriptor of ours. Throws
// std::runtime_error saying what to install if the program is missing.
pid_t spawn_logged(const std::vector<std::string>& args, const std::filesystem::path& log);

// True once `pid` has ended (it is then reaped).
bool has_exited(pid_t pid);

// SIGTERM, then waits for it to end; SIGKILL if it has not within 5 s.
void stop_process(pid_t pid) noexcept;

// Ports the kernel has free now. They are held together while picked, so
// they differ; the server binds them a moment later (or finds one taken:
// the caller tries again).
std::vector<std::uint16_t> free_loopback_ports(int count);

// A TCP connection to 127.0.0.1:port is accepted now.
bool accepts_connections(std::uint16_t port);

std::string read_text(const std::filesystem::path& path);
