// Lesson 15 stage: the real crawler on the demo site (20 ms per response).
//
//   1. With one worker: one request at a time, the pages' waits add up.
//   2. With sixteen workers: the same pages, the waits overlap.
//   3. A small site with three workers, traced when COROLAB_TRACE is set:
//      each worker is a row, and its waits on the network show.
#include <fmt/format.h>

#include <chrono>
#include <corolab/crawler/crawler.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/sync_wait.hpp>
#include <string>

#include "background_site.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::crawler::CrawlOptions;
using corolab::crawler::CrawlSummary;
using corolab::crawler::Outcome;
using corolab::crawler::PageRecord;

namespace {

// Prints each page as it is done, when asked to.
struct PagePrinter final : corolab::crawler::CrawlSink {
  std::string base_url;
  bool print = false;
  void on_page(const PageRecord& record) override {
    if (!print) return;
    const std::string path =
        record.url.starts_with(base_url) ? record.url.substr(base_url.size()) : record.url;
    fmt::print("   {:<34} {:<17} {:>4} ms\n", path, to_string(record.outcome),
               std::chrono::duration_cast<std::chrono::milliseconds>(record.time).count());
  }
};

// #region crawl
Task<CrawlSummary> crawl(std::string base_url, int workers, PagePrinter* printer) {
  CrawlOptions options;
  options.seeds = {base_url + "/"};
  options.concurrency = workers;
  options.per_host = workers;
  corolab::crawler::Crawler crawler(options, *printer);
  CrawlSummary summary = co_await crawler.run();
  co_return summary;
}
// #endregion crawl

void report(int workers, const CrawlSummary& summary) {
  fmt::print(
      "   {:>2} worker{}: {} pages fetched, {} URLs in all, {} requests, in {:.2f} s"
      " (at most {} in flight)\n",
      workers, workers == 1 ? " " : "s", summary.count(Outcome::fetched), summary.urls,
      summary.requests, std::chrono::duration<double>(summary.elapsed).count(),
      summary.max_in_flight);
}

// One crawl of a fresh demo site (served by a thread of its own, whose loop
// is never traced). Only the loop of the small crawl is traced, so that its
// picture shows just the crawler.
void crawl_and_report(corolab::demo_site::SiteOptions site_options, int workers, bool traced) {
  BackgroundSite site(site_options);
  corolab::LoopOptions loop_options;
  if (!traced) loop_options.trace_file.clear();
  corolab::EventLoop loop(loop_options);
  PagePrinter printer;
  printer.base_url = site.base_url();
  printer.print = traced;
  const CrawlSummary summary = corolab::sync_wait(crawl(site.base_url(), workers, &printer));
  report(workers, summary);
}

}  // namespace

int main() {
  corolab::demo_site::SiteOptions site;
  site.pages = 40;
  site.latency = 20ms;
  fmt::print("1. The demo site ({} content pages, 20 ms per response), one worker\n", site.pages);
  crawl_and_report(site, 1, false);
  fmt::print("\n2. The same site, sixteen workers\n");
  crawl_and_report(site, 16, false);

  corolab::demo_site::SiteOptions small;
  small.pages = 6;
  small.links_per_page = 2;
  small.depth = 1;
  small.latency = 30ms;
  fmt::print("\n3. A small site, three workers (COROLAB_TRACE=trace.json to draw it)\n");
  crawl_and_report(small, 3, true);
}
