#include "corolab/demo_site/site_server.hpp"

namespace corolab::demo_site {

namespace {

SiteOptions served_at(SiteOptions options, const SocketAddress& address) {
  options.base_url = base_url_for(address);
  return options;
}

// A plain lambda that returns the site's Task. (A coroutine lambda would be a
// trap: its captures live in the lambda object, not in the coroutine frame.)
http::Handler handler_for(DemoSite& site) {
  return [site = &site](http::Request request) { return site->handle(std::move(request)); };
}

}  // namespace

std::string base_url_for(const SocketAddress& address) {
  const std::string port = std::to_string(address.port());
  const std::string host_and_port = address.to_string();
  if (host_and_port == "0.0.0.0:" + port) return "http://127.0.0.1:" + port;
  if (host_and_port == "[::]:" + port) return "http://[::1]:" + port;
  return "http://" + host_and_port;
}

SiteServer::SiteServer(SiteOptions options, SocketAddress address,
                       http::ServerOptions server_options)
    : SiteServer(TcpListener::bind(address), std::move(options), server_options) {}

// site_ is built first, while `listener` still holds the bound address.
SiteServer::SiteServer(TcpListener listener, SiteOptions options,
                       http::ServerOptions server_options)
    : site_(served_at(std::move(options), listener.local_address())),
      server_(std::move(listener), handler_for(site_), server_options) {}

}  // namespace corolab::demo_site
