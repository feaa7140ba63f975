// The demo: why async matters, in one run.
//
// The demo site answers every request after 20 ms, like a server far away.
// One request at a time, N pages take N x 20 ms. With 64 coroutines, the
// waits overlap: same thread, same code, a fraction of the time.

#include "demo.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "corolab/crawler/crawler.hpp"
#include "corolab/crawler/progress.hpp"
#include "corolab/crawler/reports.hpp"
#include "corolab/demo_site/site_server.hpp"
#include "corolab/task_group.hpp"

namespace corolab::crawler {

namespace {

struct Run {
  CrawlSummary summary;
  double seconds = 0;
};

// Records nothing: the sequential run is only there to be timed.
class Discard final : public CrawlSink {
 public:
  void on_page(const PageRecord&) override {}
};

CrawlOptions demo_crawl_options(const std::string& base_url, int concurrency) {
  CrawlOptions options;
  options.seeds = {base_url + "/"};
  options.concurrency = concurrency;
  options.per_host = concurrency;  // one host: the global limit is the one that matters
  options.max_time = std::chrono::seconds(25);
  options.timeout = std::chrono::seconds(5);
  return options;
}

Task<Run> crawl_once(std::string base_url, int concurrency, std::string label, CrawlSink* sink) {
  Crawler crawler(demo_crawl_options(base_url, concurrency), *sink);
  TaskGroup progress;
  progress.spawn(show_progress(&crawler, label, stdout), "progress");
  CrawlSummary summary = co_await crawler.run();
  progress.cancel();
  co_await progress.join();
  const double seconds = std::chrono::duration<double>(summary.elapsed).count();
  fmt::print("{}: {} pages in {:.2f} s\n", label, summary.count(Outcome::fetched), seconds);
  co_return Run{summary, seconds};
}

}  // namespace

// The DOT file names its layout (osage: folders as boxes, see
// link_graph.hpp), so plain `dot` draws it, in well under a second.
void render_svg_if_possible(const std::string& dot, const std::string& svg) {
  if (::access("/usr/bin/dot", X_OK) != 0) {
    fmt::print("  (install graphviz to get {} drawn as SVG)\n", dot);
    return;
  }
  const std::string command = "/usr/bin/dot -Tsvg '" + dot + "' -o '" + svg + "'";
  if (std::system(command.c_str()) == 0)
    fmt::print("  link graph picture  {} (open it in a browser: hover a page for its URL)\n", svg);
}

demo_site::SiteOptions demo_site_options(const DemoOptions& options) {
  demo_site::SiteOptions site_options;
  site_options.pages = options.pages;
  site_options.latency = std::chrono::milliseconds(options.latency_ms);
  site_options.faults = options.faults;
  return site_options;
}

Task<int> run_demo(DemoOptions options) {
  demo_site::SiteServer site(demo_site_options(options));
  TaskGroup server;
  server.spawn(site.serve(), "demo site");
  fmt::print("demo site: {} ({} pages, {} ms per response{})\n\n", site.base_url(), options.pages,
             options.latency_ms, options.faults ? ", with a section of faults" : "");

  Discard discard;
  Run sequential = co_await crawl_once(site.base_url(), 1, "one request at a time", &discard);

  std::filesystem::create_directories(options.out_dir);
  const std::string records_path = options.out_dir + "/crawl.jsonl";
  std::ofstream records(records_path, std::ios::trunc);
  JsonLinesWriter writer(records);
  CrawlCollector collector;
  FanOut sinks;
  sinks.add(writer);
  sinks.add(collector);
  const std::string label = fmt::format("{} coroutines", options.concurrency);
  Run concurrent = co_await crawl_once(site.base_url(), options.concurrency, label, &sinks);

  site.stop();
  co_await server.join();

  const std::string dot = options.out_dir + "/site.dot";
  const std::string sitemap = options.out_dir + "/sitemap.xml";
  const std::string broken = options.out_dir + "/broken-links.txt";
  {
    std::ofstream out(dot);
    collector.write_dot(out);
  }
  {
    std::ofstream out(sitemap);
    collector.write_sitemap(out);
  }
  {
    std::ofstream out(broken);
    collector.write_broken_links(out);
  }

  auto rate = [](const Run& run) {
    return run.seconds > 0 ? run.summary.count(Outcome::fetched) / run.seconds : 0.0;
  };
  fmt::print("\n{:<24} {:>7} {:>9} {:>9}\n", "", "pages", "seconds", "pages/s");
  fmt::print("{:<24} {:>7} {:>9.2f} {:>9.1f}\n", "one request at a time",
             sequential.summary.count(Outcome::fetched), sequential.seconds, rate(sequential));
  fmt::print("{:<24} {:>7} {:>9.2f} {:>9.1f}\n", label, concurrent.summary.count(Outcome::fetched),
             concurrent.seconds, rate(concurrent));
  fmt::print("speed-up: {:.1f}x, on one thread\n\n",
             concurrent.seconds > 0 ? sequential.seconds / concurrent.seconds : 0.0);
  print_summary(stdout, concurrent.summary);
  fmt::print(
      "\nfiles:\n  one record per URL  {}\n  link graph (DOT)    {}\n  sitemap             {}\n"
      "  broken links        {} ({} found)\n",
      records_path, dot, sitemap, broken, collector.broken_link_count());
  render_svg_if_possible(dot, options.out_dir + "/site.svg");
  co_return 0;
}

}  // namespace corolab::crawler
