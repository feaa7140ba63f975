#pragma once
// The demo site on a thread of its own, for code that fetches from it
// without a corolab EventLoop: blocking libcurl (lesson 00), a hand-written
// poll loop (lesson 01). Their waiting would block the site's loop if both
// shared one thread.
//
//   BackgroundSite site(options);                // serving once this returns
//   std::vector<std::string> urls = site.page_urls(10);
//   ...                                          // fetch them, any way you like
//   // the destructor stops the server and joins its thread
//
// ClosedPort is the other end: a loopback port where nobody listens.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <corolab/demo_site/site_server.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/sync_wait.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

class BackgroundSite {
 public:
  explicit BackgroundSite(corolab::demo_site::SiteOptions options) {
    std::promise<void> started;
    std::future<void> ready = started.get_future();
    thread_ = std::thread(&BackgroundSite::serve, this, std::move(options), &started);
    try {
      ready.get();  // rethrows what stopped the site from starting
    } catch (...) {
      thread_.join();
      throw;
    }
  }
  BackgroundSite(const BackgroundSite&) = delete;
  BackgroundSite& operator=(const BackgroundSite&) = delete;

  ~BackgroundSite() {
    // SiteServer::stop() is for the loop's own thread: ask the loop to call it.
    // The thread keeps its loop alive until stop_requested_ is set.
    corolab::demo_site::SiteServer* served = served_;
    loop_->post_from_any_thread([served] { served->stop(); });
    stop_requested_.set_value();
    thread_.join();
  }

  const std::string& base_url() const { return served_->base_url(); }
  std::uint16_t port() const { return served_->server().local_address().port(); }

  // The requests the site has had (with SiteOptions::record_arrivals),
  // copied on the site's thread, the one that writes them.
  std::vector<corolab::demo_site::Arrival> arrivals() const {
    std::promise<std::vector<corolab::demo_site::Arrival>> copied;
    std::future<std::vector<corolab::demo_site::Arrival>> copy = copied.get_future();
    corolab::demo_site::SiteServer* served = served_;
    loop_->post_from_any_thread([served, &copied] { copied.set_value(served->site().arrivals()); });
    return copy.get();
  }

  // Absolute URLs of the first `count` pages the site answers with a 200
  // (home first). The site's graph is fixed once it is generated, so
  // reading it from this thread is safe.
  std::vector<std::string> page_urls(std::size_t count) const {
    std::vector<std::string> urls = served_->site().graph().sitemap_urls();
    if (urls.size() < count)
      throw std::invalid_argument("the demo site has fewer pages than asked for");
    urls.resize(count);
    return urls;
  }

  // The same pages as paths ("/", "/section-1/page-0.html", ...), for code
  // that speaks HTTP itself and connects to port().
  std::vector<std::string> page_paths(std::size_t count) const {
    std::vector<std::string> paths = page_urls(count);
    for (std::string& path : paths) path.erase(0, base_url().size());
    return paths;
  }

 private:
  void serve(corolab::demo_site::SiteOptions options, std::promise<void>* started) {
    std::future<void> stop = stop_requested_.get_future();
    try {
      // This thread's loop: the site's listener and timers live here. It
      // records no trace: under COROLAB_TRACE the picture is the client's.
      corolab::LoopOptions untraced;
      untraced.trace_file.clear();
      corolab::EventLoop loop(untraced);
      corolab::demo_site::SiteServer served(std::move(options));
      loop_ = &loop;
      served_ = &served;
      started->set_value();
      try {
        corolab::sync_wait(served.serve());
      } catch (...) {
        // Nobody is left to tell; the fetches will fail and say so.
      }
      stop.wait();  // the destructor may still post to this loop
    } catch (...) {
      started->set_exception(std::current_exception());
    }
  }

  std::thread thread_;
  std::promise<void> stop_requested_;
  corolab::EventLoop* loop_ = nullptr;
  corolab::demo_site::SiteServer* served_ = nullptr;
};

// A port on 127.0.0.1 that refuses connections: bound (so nothing else can
// take it while the test runs) but not listening.
class ClosedPort {
 public:
  ClosedPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      if (fd_ >= 0) ::close(fd_);
      throw std::runtime_error("ClosedPort: cannot bind a loopback port");
    }
    port_ = ntohs(address.sin_port);
  }
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  ~ClosedPort() { ::close(fd_); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};
