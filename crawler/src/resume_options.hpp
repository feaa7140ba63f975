#pragma once
// --resume runs under the options the crawl started with.
//
// The journal keeps the crawl's command line, option by option. An option
// given again when resuming either must agree with it, because it says
// what the crawl is (seeds, scope, limits, filters, robots.txt, user agent,
// record format): changing it halfway would leave records that belong to
// no single crawl. Or it overrides, because it says how fast the crawl goes
// or where its files go (kOverridable): those changes are announced.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/crawler/journal.hpp"

namespace corolab::crawler {

// The options given on this command line, as the journal keeps them:
// "--delay" -> {"0.5"}, "urls" -> the seeds. --resume is not kept: it is
// this run's, not the crawl's.
CommandLineOptions given_options(const CLI::App& app);

struct ResumedCommandLine {
  std::vector<std::string> arguments;  // the crawl's options, then the overrides
  std::vector<std::string> overrides;  // to announce: "--delay 0 (was 0.5)"
};

// Throws std::invalid_argument for an option that contradicts the journal's,
// or a report the journal cannot complete (--graph when no links were kept).
ResumedCommandLine resumed_command_line(const Journal& journal, const CLI::App& app);

// --max-time limits the whole crawl: what is left of it after `spent`.
Duration time_left(Duration limit, Duration spent);

}  // namespace corolab::crawler
