// corolab-site: the demo site the crawler crawls, served until Ctrl-C.
//
//   corolab-site [--port 8080] [--host 127.0.0.1] [--pages N] [--links N]
//                [--depth N] [--seed N] [--latency-ms N] [--faults]
//   corolab-site --write-to DIR [--port N] [--host IP] [--pages N] ...
//
// The same options always give the same site. It binds loopback unless told
// otherwise: with --faults it sends 20 MiB pages to whoever asks.

#include <fmt/core.h>

#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/demo_site/site_server.hpp"
#include "corolab/demo_site/write_site.hpp"
#include "corolab/signals.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/when_any.hpp"

namespace {

using corolab::demo_site::SiteOptions;

constexpr std::string_view kUsage = R"(usage: corolab-site [options]

Serves the corolab demo site (a generated web site for the crawler) until Ctrl-C.

  --port N        port to listen on (default 8080; 0: any free port)
  --host IP       numeric address to bind (default 127.0.0.1)
  --pages N       content pages (default 300)
  --links N       links from each content page to others (default 8)
  --depth N       folder levels, e.g. 2: /section-3/topic-1/page-42.html (default 2)
  --seed N        generator seed: same seed, same site (default 1)
  --latency-ms N  delay added to every response (default 0)
  --faults        also serve /faults/: redirects, errors, slow, huge and broken pages
  --write-to DIR  do not serve: write the pages into DIR as files, linked for
                  http://HOST:PORT/, for another web server to serve (no --faults)
  --help          show this help
)";

struct Arguments {
  SiteOptions site;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string write_to;  // set: write the site as files instead of serving it
  bool help = false;
};

// A mistake on the command line: reported with a hint, exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::uint64_t parse_number(std::string_view option, std::string_view text, std::uint64_t min,
                           std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stopped_at, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stopped_at != end || value < min || value > max) {
    throw UsageError(
        fmt::format("{} needs a whole number from {} to {}, not '{}'", option, min, max, text));
  }
  return value;
}

Arguments parse_arguments(int argc, char** argv) {
  Arguments args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view option = argv[i];
    if (option == "--help" || option == "-h") {
      args.help = true;
      continue;
    }
    if (option == "--faults") {
      args.site.faults = true;
      continue;
    }
    const bool takes_value = option == "--port" || option == "--host" || option == "--pages" ||
                             option == "--links" || option == "--depth" || option == "--seed" ||
                             option == "--latency-ms" || option == "--write-to";
    if (!takes_value) throw UsageError(fmt::format("unknown option '{}'", option));
    if (i + 1 == argc) throw UsageError(fmt::format("{} needs a value", option));
    const std::string_view value = argv[++i];

    namespace site = corolab::demo_site;
    constexpr std::uint64_t kMaxSeed = std::numeric_limits<std::uint64_t>::max();
    if (option == "--port")
      args.port = static_cast<std::uint16_t>(parse_number(option, value, 0, 65535));
    if (option == "--host") args.host = value;
    if (option == "--write-to") args.write_to = value;
    if (option == "--pages") args.site.pages = parse_number(option, value, 1, site::kMaxPages);
    if (option == "--links") {
      args.site.links_per_page = parse_number(option, value, 1, site::kMaxLinksPerPage);
    }
    if (option == "--depth") args.site.depth = parse_number(option, value, 0, site::kMaxDepth);
    if (option == "--seed") args.site.seed = parse_number(option, value, 0, kMaxSeed);
    if (option == "--latency-ms") {
      args.site.latency = std::chrono::milliseconds(parse_number(option, value, 0, 60'000));
    }
  }
  if (!args.write_to.empty() && args.site.faults) {
    throw UsageError("--write-to cannot write --faults: those pages need a live server");
  }
  if (!args.write_to.empty() && args.port == 0) {
    throw UsageError(
        "--write-to needs the --port the files will be served at (their links name it)");
  }
  try {
    corolab::demo_site::validate(args.site);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return args;
}

corolab::SocketAddress address_to_bind(const Arguments& args) {
  try {
    return corolab::SocketAddress::parse(args.host, args.port);
  } catch (const std::invalid_argument&) {
    throw UsageError(
        fmt::format("--host needs a numeric IP address such as 127.0.0.1, not '{}'", args.host));
  }
}

corolab::Task<void> serve_until_interrupted(Arguments args, corolab::SocketAddress address) {
  corolab::demo_site::SiteServer served(args.site, address);
  const SiteOptions& site = served.site().options();
  const auto latency_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(site.latency).count();
  fmt::print("corolab demo site: {} pages, {} links each, depth {}, seed {}, {} ms latency{}\n",
             site.pages, site.links_per_page, site.depth, site.seed, latency_ms,
             site.faults ? ", with /faults/" : "");
  fmt::print("serving {}/ (and robots.txt, sitemap.xml); Ctrl-C to stop\n", served.base_url());
  std::fflush(stdout);

  // Serving never ends on its own; a signal ends the race, which cancels it.
  // (Named first: g++ 12 mishandles some temporaries inside co_await.)
  corolab::Task<void> serving = served.serve();
  corolab::Task<int> interrupted = corolab::wait_for_signal(std::vector<int>{SIGINT, SIGTERM});
  co_await corolab::when_any(std::move(serving), std::move(interrupted));
  served.stop();
  fmt::print("\nstopped after {} requests\n", served.server().stats().requests_served);
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  corolab::SocketAddress address;
  try {
    args = parse_arguments(argc, argv);
    address = address_to_bind(args);
  } catch (const UsageError& e) {
    fmt::print(stderr, "corolab-site: {}\n{}", e.what(), kUsage);
    return 2;
  }
  if (args.help) {
    fmt::print("{}", kUsage);
    return 0;
  }
  try {
    if (!args.write_to.empty()) {
      args.site.base_url = corolab::demo_site::base_url_for(address);
      const corolab::demo_site::WrittenSite written =
          corolab::demo_site::write_site(args.site, args.write_to);
      fmt::print(
          "wrote {} pages ({:.1f} MB) to {}, linked for {}/; the crawl's URL list is "
          "{}/paths.txt\n",
          written.files, static_cast<double>(written.bytes) / 1e6, args.write_to,
          args.site.base_url, args.write_to);
      return 0;
    }
    corolab::sync_wait(serve_until_interrupted(args, address));
  } catch (const std::exception& e) {
    fmt::print(stderr, "corolab-site: {}\n", e.what());
    return 1;
  }
  return 0;
}
