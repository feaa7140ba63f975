#pragma once
// The numbers a crawl keeps as it goes: the summary it ends with, and the
// live view for the progress line.

#include <array>
#include <cstddef>
#include <utility>

#include "corolab/clock.hpp"
#include "corolab/crawler/outcome.hpp"

namespace corolab::crawler {

struct CrawlSummary {
  std::array<std::size_t, kOutcomeCount> outcomes{};  // indexed by Outcome
  std::size_t urls = 0;      // distinct URLs, each with one outcome (duplicates excluded)
  std::size_t requests = 0;  // HTTP requests made, retries and robots.txt included
  std::size_t bytes = 0;
  std::size_t max_in_flight = 0;
  Duration elapsed{0};
  bool interrupted = false;  // stopped with URLs left (for the journal)
  std::size_t count(Outcome outcome) const noexcept {
    return outcomes[static_cast<std::size_t>(outcome)];
  }
};

// A live view, for the progress line.
struct CrawlProgress {
  std::size_t done = 0;
  std::size_t in_flight = 0;
  std::size_t queued = 0;  // not in flight: in the frontier, waiting for a host, or left
  std::size_t errors = 0;
};

class CrawlStats {
 public:
  // Counts one request in flight for as long as it lives.
  class InFlight {
   public:
    explicit InFlight(CrawlStats& stats) noexcept : stats_(&stats) {
      stats.summary_.max_in_flight = std::max(stats.summary_.max_in_flight, ++stats.in_flight_);
    }
    InFlight(InFlight&& other) noexcept : stats_(std::exchange(other.stats_, nullptr)) {}
    InFlight& operator=(InFlight&&) = delete;
    ~InFlight() {
      if (stats_ != nullptr) --stats_->in_flight_;
    }

   private:
    CrawlStats* stats_;
  };

  void start(TimePoint now) noexcept { started_ = now; }
  void count_requests(std::size_t requests) noexcept { summary_.requests += requests; }
  void count_duplicate() noexcept {
    ++summary_.outcomes[static_cast<std::size_t>(Outcome::duplicate)];
  }

  // A URL's outcome.
  void count(const PageRecord& record) noexcept {
    ++summary_.outcomes[static_cast<std::size_t>(record.outcome)];
    ++summary_.urls;
    summary_.bytes += record.bytes;
    if (record.outcome == Outcome::http_error || record.outcome == Outcome::network_error)
      ++errors_;
  }

  // `unfinished`: every URL without an outcome yet; those not in flight are queued.
  CrawlProgress progress(std::size_t unfinished) const noexcept {
    return {.done = summary_.urls,
            .in_flight = in_flight_,
            .queued = unfinished - in_flight_,
            .errors = errors_};
  }

  CrawlSummary summary(TimePoint now, bool interrupted) const noexcept {
    CrawlSummary summary = summary_;
    summary.elapsed = now - started_;
    summary.interrupted = interrupted;
    return summary;
  }

 private:
  CrawlSummary summary_;
  std::size_t in_flight_ = 0;
  std::size_t errors_ = 0;
  TimePoint started_{};
};

}  // namespace corolab::crawler
