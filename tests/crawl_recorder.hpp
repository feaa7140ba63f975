#pragma once
// A crawl's records, kept for a test to inspect; the crawl can be told to
// stop once a number of them have arrived (as Ctrl-C would stop it).

#include <cstddef>
#include <vector>

#include "corolab/crawler/crawler.hpp"

struct CrawlRecorder final : corolab::crawler::CrawlSink {
  std::vector<corolab::crawler::PageRecord> records;
  corolab::crawler::Crawler* crawler = nullptr;  // needed only with stop_after
  std::size_t stop_after = 0;                    // 0: never stop
  std::size_t in_flight_at_stop = 0;             // the page being recorded counts too

  void on_page(const corolab::crawler::PageRecord& record) override {
    records.push_back(record);
    if (stop_after > 0 && records.size() == stop_after) {
      in_flight_at_stop = crawler->progress().in_flight;
      crawler->stop();
    }
  }
};
