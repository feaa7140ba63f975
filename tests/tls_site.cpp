// A TLS site on loopback: see tls_site.hpp.
#include "tls_site.hpp"

#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("TlsSite: cannot write " + path.string());
}

// Runs `args` to its end; throws with its output if it fails.
void run(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = spawn_logged(args, log);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string command;
    for (const std::string& arg : args) command += arg + " ";
    throw std::runtime_error("TlsSite: failed: " + command + "\n" + read_text(log));
  }
}

// nginx's version as one number: 1.22.1 -> 1022001.
long nginx_version(const fs::path& folder) {
  const fs::path log = folder / "nginx-version.txt";
  run({"nginx", "-v"}, log);  // prints "nginx version: nginx/1.22.1" (on stderr)
  const std::string text = read_text(log);
  int major = 0, minor = 0, patch = 0;
  const std::size_t at = text.find("nginx/");
  if (at == std::string::npos ||
      std::sscanf(text.c_str() + at, "nginx/%d.%d.%d", &major, &minor, &patch) != 3) {
    throw std::runtime_error("TlsSite: cannot read nginx's version from: " + text);
  }
  return major * 1'000'000L + minor * 1'000L + patch;
}

void replace_all(std::string& text, std::string_view placeholder, const std::string& value) {
  for (std::size_t at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
}

std::string temporary_folder_name() {
  static int sites = 0;  // two sites of one test process get folders of their own
  return "tls-site-" + std::to_string(++sites);
}

}  // namespace

TlsSite::TlsSite(fs::path root, TlsSiteOptions options)
    : folder_(temporary_folder_name()), root_(std::move(root)) {
  make_certificates();
  for (int attempt = 1; !start_nginx(options); ++attempt) {
    if (attempt == 3) throw std::runtime_error("TlsSite: no free ports:\n" + error_log());
  }
}

TlsSite::~TlsSite() { stop_nginx(); }

std::string TlsSite::https_url() const {
  return "https://127.0.0.1:" + std::to_string(https_port_);
}

std::string TlsSite::http_url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }

// A CA, and a server certificate it signed: the openssl commands a person
// would type, one at a time. EC keys (P-256) are made in milliseconds.
void TlsSite::make_certificates() {
  const fs::path& dir = folder_.path;
  const fs::path log = dir / "openssl.log";
  ca_file_ = dir / "ca.crt";
  const std::string p256 = "ec_paramgen_curve:prime256v1";
  // The CA: a key, and a certificate it signs itself.
  run({"openssl",  "req",
       "-x509",    "-nodes",
       "-newkey",  "ec",
       "-pkeyopt", p256,
       "-keyout",  dir / "ca.key",
       "-out",     ca_file_,
       "-days",    "2",
       "-subj",    "/CN=corolab test CA",
       "-addext",  "basicConstraints=critical,CA:TRUE",
       "-addext",  "keyUsage=critical,keyCertSign,cRLSign"},
      log);
  // The server: a key, a request for a certificate, and the CA's signature on it.
  run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", p256, "-nodes", "-keyout",
       dir / "server.key", "-out", dir / "server.csr", "-subj", "/CN=127.0.0.1"},
      log);
  write_text(dir / "server.ext",
             "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
             "basicConstraints = CA:FALSE\n"
             "keyUsage = critical, digitalSignature\n"
             "extendedKeyUsage = serverAuth\n");
  run({"openssl", "x509", "-req", "-in", dir / "server.csr", "-CA", ca_file_, "-CAkey",
       dir / "ca.key", "-set_serial", "1", "-days", "2", "-extfile", dir / "server.ext", "-out",
       dir / "server.crt"},
      log);
}

// nginx's configuration; start_nginx() fills in the {placeholders}.
constexpr std::string_view kNginxConf = R"(
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type text/html;
  log_format served '$connection $server_port $server_protocol $status $request_uri';
  access_log {dir}/access.log served;
  client_body_temp_path {dir}/tmp;
  proxy_temp_path {dir}/tmp;
  fastcgi_temp_path {dir}/tmp;
  uwsgi_temp_path {dir}/tmp;
  scgi_temp_path {dir}/tmp;
  server {
    {tls_listen}
    ssl_certificate {dir}/server.crt;
    ssl_certificate_key {dir}/server.key;
    root {root};
    location = /tags { try_files /tags/$args =404; }
  }
  server {
    listen 127.0.0.1:{http_port};
    {robots_txt}
    location / { return 301 {https_url}$request_uri; }
  }
}
)";

bool TlsSite::start_nginx(const TlsSiteOptions& options) {
  const fs::path& dir = folder_.path;
  const std::vector<std::uint16_t> ports = free_loopback_ports(2);
  https_port_ = ports[0];
  http_port_ = ports[1];
  // nginx 1.25.1 moved "http2" from the listen line to a directive of its own.
  const bool http2_directive = nginx_version(dir) >= 1'025'001;
  const std::string tls_listen = "listen 127.0.0.1:" + std::to_string(https_port_) +
                                 (http2_directive ? " ssl; http2 on;" : " ssl http2;");
  std::string conf(kNginxConf);
  replace_all(conf, "{dir}", dir.string());
  replace_all(conf, "{root}", root_.string());
  replace_all(conf, "{tls_listen}", tls_listen);
  replace_all(conf, "{http_port}", std::to_string(http_port_));
  replace_all(conf, "{https_url}", https_url());
  replace_all(conf, "{robots_txt}",
              options.redirect_robots_txt ? "" : "location = /robots.txt { return 404; }");
  fs::create_directories(dir / "tmp");
  write_text(dir / "error.log", "");
  write_text(dir / "access.log", "");
  write_text(dir / "nginx.conf", conf);
  const std::string d = dir.string() + "/";
  nginx_ = spawn_logged({"nginx", "-e", d + "error.log", "-p", d, "-c", d + "nginx.conf"},
                        dir / "nginx.out");

  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!accepts_connections(https_port_) || !accepts_connections(http_port_)) {
    if (has_exited(nginx_)) {
      nginx_ = -1;
      const std::string log = error_log();
      if (log.find("Address already in use") != std::string::npos) return false;
      throw std::runtime_error("TlsSite: nginx did not start:\n" + log);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop_nginx();
      throw std::runtime_error("TlsSite: nginx did not listen within 10 s:\n" + error_log());
    }
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

void TlsSite::stop_nginx() noexcept {
  stop_process(nginx_);  // SIGTERM: nginx's fast shutdown
  nginx_ = -1;
}

std::string TlsSite::error_log() const {
  return read_text(folder_.path / "error.log") + read_text(folder_.path / "nginx.out");
}

std::vector<ServedRequest> TlsSite::stop_and_read_log() {
  stop_nginx();
  std::vector<ServedRequest> requests;
  std::istringstream log(read_text(folder_.path / "access.log"));
  for (std::string line; std::getline(log, line);) {
    std::istringstream fields(line);
    ServedRequest request;
    fields >> request.connection >> request.port >> request.protocol >> request.status >>
        request.target;
    requests.push_back(request);
  }
  return requests;
}
