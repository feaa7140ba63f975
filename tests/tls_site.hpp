#pragma once
// A TLS site on loopback: nginx serving a folder over HTTPS (HTTP/2), with a
// CA made at test time. For tests of the client and the crawler on https,
// which never leave 127.0.0.1.
//
//   TlsSite site(folder);             // nginx is serving once this returns
//   client_options.ca_file = site.ca_file();
//   co_await client.get(site.https_url() + "/index.html");
//   // the destructor stops nginx (by its pid) and removes its files
//
// The setup, in a temporary folder of its own:
//   * openssl (the command-line tool) makes a CA (key and self-signed
//     certificate), then a server key and a certificate request, and the CA
//     signs it for IP:127.0.0.1 and DNS:localhost. Nothing on the machine
//     trusts that CA: a client trusts it only if told to (ca_file()).
//   * nginx runs as the current user, in the foreground, as one process
//     (`daemon off; master_process off;`), never as a system service: its
//     configuration, logs, pid file and temporary folders are all in the
//     temporary folder. Two servers on free loopback ports:
//       https_url(): TLS, HTTP/2 (and HTTP/1.1), serving `root` as files;
//       http_url():  plain HTTP, answering every request with a 301 to the
//                    same path and query on https_url().
//     `nginx -v` decides how HTTP/2 is switched on: `listen ... ssl http2`
//     up to 1.25.0 (Debian 12 has 1.22), `http2 on;` from 1.25.1.
//   * Ports: the kernel picks them (bind port 0, then close); if another
//     program takes one before nginx binds it, nginx is started again on
//     new ports. Readiness: both ports accept a connection, within 10 s; if
//     not (or nginx exits), the constructor throws with nginx's error log.
//
// `root` may be written before or after the site starts: nginx reads the
// files on each request. It serves the demo site as write_site() writes it
// (a query "/tags?x" is the file tags/x; files without extension are HTML).
// stop_and_read_log() reads nginx's access log: which connection carried
// each request, and over which protocol. It stops nginx first: nginx
// writes a request's line after the response has gone out, so a client
// that has its response may be a moment ahead of the log. Throws std::runtime_error, saying what to
// install, if nginx or openssl is missing.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "temporary_folder.hpp"

struct TlsSiteOptions {
  // The plain-HTTP server redirects /robots.txt to https like the rest; with
  // false, it answers /robots.txt itself with a 404 (no rules).
  bool redirect_robots_txt = true;
};

// One line of nginx's access log.
struct ServedRequest {
  long connection = 0;   // nginx's serial number of the connection that carried it
  int port = 0;          // the server's port: which of the two servers answered
  std::string protocol;  // "HTTP/2.0", "HTTP/1.1"
  int status = 0;
  std::string target;  // path and query, as requested
};

class TlsSite {
 public:
  explicit TlsSite(std::filesystem::path root, TlsSiteOptions options = {});
  ~TlsSite();
  TlsSite(const TlsSite&) = delete;
  TlsSite& operator=(const TlsSite&) = delete;

  std::string https_url() const;  // "https://127.0.0.1:PORT", no trailing slash
  std::string http_url() const;   // "http://127.0.0.1:PORT": redirects to https_url()
  std::uint16_t https_port() const { return https_port_; }
  std::uint16_t http_port() const { return http_port_; }
  const std::filesystem::path& ca_file() const { return ca_file_; }  // the CA's certificate (PEM)

  // Stops nginx, then lists every request it answered, oldest first.
  std::vector<ServedRequest> stop_and_read_log();

 private:
  void make_certificates();
  bool start_nginx(const TlsSiteOptions& options);  // false: a port was taken; try others
  void stop_nginx() noexcept;
  std::string error_log() const;

  TemporaryFolder folder_{"tls-site"};
  std::filesystem::path root_;
  std::filesystem::path ca_file_;
  std::uint16_t https_port_ = 0;
  std::uint16_t http_port_ = 0;
  pid_t nginx_ = -1;
};
