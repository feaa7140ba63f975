#include "resume_options.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace corolab::crawler {

namespace {

// How fast the crawl goes, how patient it is with a server, where its files
// go: a resume may change these. Every other option is what the crawl is.
const std::set<std::string> kOverridable = {
    "--concurrency",  "--per-host", "--delay",  "--jitter", "--max-time",
    "--max-tries",    "--timeout",  "--output", "--graph",  "--sitemap",
    "--broken-links", "--journal",  "--quiet",
};

// This run's, not the crawl's: never kept.
const std::set<std::string> kNotKept = {"--resume",          "--help",   "--demo", "--demo-pages",
                                        "--demo-latency-ms", "--out-dir"};

// "--delay" for an option, "urls" for the seeds (the one positional).
std::string key_of(const CLI::Option& option) {
  const std::vector<std::string>& long_names = option.get_lnames();
  return long_names.empty() ? option.get_single_name() : "--" + long_names.front();
}

// What an option was in the journal's crawl: as given, or else its default.
std::vector<std::string> kept_value(const CommandLineOptions& kept, const std::string& key,
                                    const CLI::App& app) {
  if (auto found = kept.find(key); found != kept.end()) return found->second;
  const CLI::Option* option = app.get_option_no_throw(key);
  if (option == nullptr || option->get_default_str().empty()) return {};
  return {option->get_default_str()};
}

// "--delay 0.5", "no --include", "the seeds http://a/ http://b/".
std::string describe(const std::string& key, const std::vector<std::string>& values) {
  if (values.empty()) return "no " + key;
  std::string text = key == "urls" ? "the seeds" : key;
  for (const std::string& value : values) text += " " + value;
  return text;
}

// Back to a command line CLI11 parses: --name=value (a value may start with
// '-'), the seeds last, after "--".
std::vector<std::string> to_arguments(const CommandLineOptions& options) {
  std::vector<std::string> arguments;
  std::vector<std::string> seeds;
  for (const auto& [key, values] : options) {
    if (!key.starts_with("--")) {
      seeds.insert(seeds.end(), values.begin(), values.end());
      continue;
    }
    for (const std::string& value : values) arguments.push_back(key + "=" + value);
  }
  if (!seeds.empty()) arguments.push_back("--");
  arguments.insert(arguments.end(), seeds.begin(), seeds.end());
  return arguments;
}

}  // namespace

CommandLineOptions given_options(const CLI::App& app) {
  CommandLineOptions given;
  for (const CLI::Option* option : app.get_options()) {
    const std::string key = key_of(*option);
    if (option->count() == 0 || kNotKept.count(key) > 0) continue;
    given[key] = option->results();
  }
  return given;
}

ResumedCommandLine resumed_command_line(const Journal& journal, const CLI::App& app) {
  CommandLineOptions options = journal.options;
  ResumedCommandLine resumed;
  for (const auto& [key, values] : given_options(app)) {
    const std::vector<std::string> before = kept_value(journal.options, key, app);
    if (values == before) continue;
    if (kOverridable.count(key) == 0) {
      throw std::invalid_argument(
          describe(key, values) + " contradicts the crawl being resumed, which has " +
          describe(key, before) +
          ". A resume keeps what the crawl is (seeds, scope, limits, filters, robots.txt, user "
          "agent, record format); start a new crawl to change it.");
    }
    options[key] = values;
    resumed.overrides.push_back(describe(key, values) + " (the crawl had " + describe(key, before) +
                                ")");
  }
  for (const char* report : {"--graph", "--broken-links"}) {
    if (options.count(report) > 0 && !journal.reports.links_kept) {
      throw std::invalid_argument(std::string(report) +
                                  " needs every link of the crawl, and the interrupted part kept "
                                  "none (it had no --graph or --broken-links): start a new crawl "
                                  "to get this report.");
    }
  }
  resumed.arguments = to_arguments(options);
  return resumed;
}

Duration time_left(Duration limit, Duration spent) {
  if (limit == Duration{0}) return limit;       // no limit
  return std::max(limit - spent, Duration{1});  // used up: the time is up at once
}

}  // namespace corolab::crawler
