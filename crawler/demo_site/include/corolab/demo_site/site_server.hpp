#pragma once
// SiteServer: the demo site behind a real HTTP server, in this process.
//
//   corolab::demo_site::SiteServer served(options);  // binds 127.0.0.1, any free port
//   corolab::TaskGroup group;
//   group.spawn(served.serve());
//   ... fetch served.base_url() + "/" ...
//   served.stop();
//   co_await group.join();
//
// The listener is bound before the site is generated, because the site's
// absolute links, robots.txt and sitemap.xml name its own host and port.

#include <string>

#include "corolab/demo_site/demo_site.hpp"
#include "corolab/demo_site/site_options.hpp"
#include "corolab/http/server.hpp"
#include "corolab/socket_address.hpp"
#include "corolab/task.hpp"
#include "corolab/tcp_listener.hpp"

namespace corolab::demo_site {

class SiteServer {
 public:
  // Binds `address` (port 0: the kernel picks one); options.base_url is
  // replaced by the bound address's URL.
  explicit SiteServer(SiteOptions options, SocketAddress address = SocketAddress::loopback(0),
                      http::ServerOptions server_options = {});
  SiteServer(const SiteServer&) = delete;  // the server's handler points at site_
  SiteServer& operator=(const SiteServer&) = delete;

  const std::string& base_url() const noexcept { return site_.options().base_url; }
  DemoSite& site() noexcept { return site_; }
  http::Server& server() noexcept { return server_; }

  // Serves until stop(), then finishes the responses under way.
  Task<void> serve() { return server_.serve(); }
  void stop() noexcept { server_.stop(); }

 private:
  SiteServer(TcpListener listener, SiteOptions options, http::ServerOptions server_options);

  DemoSite site_;  // before server_: it is built first and destroyed last
  http::Server server_;
};

// "http://127.0.0.1:8080" for a bound address. A wildcard address (0.0.0.0,
// ::) is written as loopback: it accepts connections, but is nobody's URL.
std::string base_url_for(const SocketAddress& address);

}  // namespace corolab::demo_site
