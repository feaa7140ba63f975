// robots.txt per RFC 9309: groups of rules per user agent, longest match wins.
//
// Percent-encoding (RFC 9309 2.2.2 and 2.2.3): rules and paths are compared
// in one spelling, made in two steps. First normalize_percent_escapes():
// unreserved characters decoded ("%62" -> "b"), non-ASCII escaped. Then the
// escapes of the other printable ASCII characters are decoded as well, so
// that "https://x" in a rule matches "https%3A%2F%2Fx" in a path and back.
// Kept escaped: '%' itself, and '*' and '$', which are operators in a rule:
// "%2A" in a rule matches a literal '*' in the path.
#include "corolab/crawler/robots.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include "corolab/crawler/url.hpp"
#include "corolab/text.hpp"

namespace corolab::crawler {
namespace {

// Values beyond a day are a wish not to be crawled; capped, so that the
// conversion to nanoseconds cannot overflow.
constexpr double kMaxCrawlDelaySeconds = 24 * 60 * 60;

struct Group {
  std::vector<std::string> agents;  // product tokens, lowercase; "*" for everyone
  std::vector<RobotsRules::Rule> rules;
  std::optional<double> crawl_delay_seconds;
};

// One "key: value" line, comment removed, key lowercased, both trimmed.
struct Line {
  std::string key;
  std::string_view value;
};

using text::to_lower;
using text::trim;

// The first 500 KiB, without a line the limit cut in half: half a rule
// could forbid or allow more than the whole one did.
std::string_view within_size_limit(std::string_view text) {
  constexpr std::size_t kMaxBytes = RobotsRules::kMaxBytes;
  if (text.size() <= kMaxBytes) return text;
  const bool line_ends_at_limit = text[kMaxBytes] == '\n' || text[kMaxBytes] == '\r';
  text = text.substr(0, kMaxBytes);
  if (line_ends_at_limit) return text;
  const std::size_t last_break = text.find_last_of("\r\n");
  return last_break == std::string_view::npos ? std::string_view{} : text.substr(0, last_break);
}

std::string_view without_bom(std::string_view text) {
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  return text;
}

// Takes the next line off `text`; lines end in LF, CR or CRLF.
std::string_view next_line(std::string_view& text) {
  const std::size_t end = std::min(text.find_first_of("\r\n"), text.size());
  const std::string_view line = text.substr(0, end);
  std::size_t next = end;
  if (next < text.size() && text[next] == '\r') ++next;
  if (next < text.size() && text[next] == '\n') ++next;
  text.remove_prefix(next);
  return line;
}

std::optional<Line> parse_line(std::string_view raw) {
  const std::string_view content = raw.substr(0, raw.find('#'));
  const std::size_t colon = content.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return Line{to_lower(trim(content.substr(0, colon))), trim(content.substr(colon + 1))};
}

// Plain decimal seconds, possibly fractional ("2", "0.5"); anything else
// (negative, "5s", "inf") is ignored.
std::optional<double> parse_seconds(std::string_view text) {
  double seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  return std::min(seconds, kMaxCrawlDelaySeconds);
}

// The escapes the comparison spelling decodes: printable ASCII, except the
// three characters that must stay distinguishable from operators.
bool decodes_for_matching(char c) {
  return c > ' ' && c < 0x7F && c != '%' && c != '*' && c != '$';
}

enum class Side { rule, path };

// The spelling rules and paths are compared in (see the top of this file).
// In a rule, '*' is an operator, and so is '$' at the very end; any other
// '*' or '$' is the character, spelled "%2A" / "%24".
std::string comparable(std::string_view text, Side side) {
  const std::string normalized = normalize_percent_escapes(text);
  std::string out;
  for (std::size_t i = 0; i < normalized.size(); ++i) {
    const char c = normalized[i];
    if (c == '%') {  // once normalized, every '%' starts an escape
      const auto decoded = static_cast<char>(text::hex_value(normalized[i + 1]) * 16 +
                                             text::hex_value(normalized[i + 2]));
      out += decodes_for_matching(decoded) ? std::string(1, decoded) : normalized.substr(i, 3);
      i += 2;
    } else if (c == '*' && side == Side::path) {
      out += "%2A";
    } else if (c == '$' && (side == Side::path || i + 1 < normalized.size())) {
      out += "%24";
    } else {
      out += c;
    }
  }
  return out;
}

// Does `rule` match the start of `path`? '*' matches any run of characters,
// a final '$' the end of the path. Greedy, backtracking to the last '*':
// enough when '*' is the only wildcard.
bool rule_matches(std::string_view rule, std::string_view path) {
  const bool anchored = rule.ends_with('$');
  if (anchored) rule.remove_suffix(1);
  std::size_t r = 0;
  std::size_t p = 0;
  std::size_t star = std::string_view::npos;  // where the last '*' was in the rule...
  std::size_t star_path = 0;                  // ...and where in the path it stood
  while (true) {
    if (r == rule.size() && (!anchored || p == path.size())) return true;
    if (r < rule.size() && rule[r] == '*') {
      star = r++;
      star_path = p;
    } else if (r < rule.size() && p < path.size() && rule[r] == path[p]) {
      ++r;
      ++p;
    } else if (star != std::string_view::npos && star_path < path.size()) {
      r = star + 1;  // let the last '*' swallow one more character
      p = ++star_path;
    } else {
      return false;
    }
  }
}

bool names_agent(const Group& group, std::string_view token) {
  return std::find(group.agents.begin(), group.agents.end(), token) != group.agents.end();
}

// Reads the groups of a robots.txt (RFC 9309 2.1): a group starts with one
// or more user-agent lines, and the rules that follow belong to it. Sitemap
// lines belong to no group and go to `sitemaps`.
std::vector<Group> parse_groups(std::string_view text, std::vector<std::string>& sitemaps) {
  std::vector<Group> groups;
  bool reading_agents = false;  // true right after a user-agent line
  while (!text.empty()) {
    const std::optional<Line> line = parse_line(next_line(text));
    if (!line) continue;
    if (line->key == "user-agent") {
      if (!reading_agents) groups.emplace_back();
      groups.back().agents.push_back(product_token(line->value));
      reading_agents = true;
    } else if (line->key == "sitemap") {
      if (!line->value.empty()) sitemaps.emplace_back(line->value);
    } else if (line->key == "allow" || line->key == "disallow" || line->key == "crawl-delay") {
      reading_agents = false;
      if (groups.empty()) continue;  // before any user-agent: in no group, ignored
      if (line->key == "crawl-delay") {
        if (const std::optional<double> seconds = parse_seconds(line->value)) {
          groups.back().crawl_delay_seconds =
              std::max(*seconds, groups.back().crawl_delay_seconds.value_or(0));
        }
      } else if (!line->value.empty()) {  // an empty rule ("Disallow:") rules nothing
        groups.back().rules.push_back({line->key == "allow", comparable(line->value, Side::rule)});
      }
    }  // other lines are ignored, and do not end a group's user-agent lines
  }
  return groups;
}

// The groups that name us; if none does, those for "*".
std::vector<const Group*> groups_for(const std::vector<Group>& groups, std::string_view token) {
  std::vector<const Group*> chosen;
  for (const Group& group : groups) {
    if (!token.empty() && names_agent(group, token)) chosen.push_back(&group);
  }
  if (!chosen.empty()) return chosen;
  for (const Group& group : groups) {
    if (names_agent(group, "*")) chosen.push_back(&group);
  }
  return chosen;
}

bool is_robots_txt(std::string_view path_and_query) {
  const std::string path = normalize_percent_escapes(path_and_query);
  return path.substr(0, path.find('?')) == "/robots.txt";
}

Duration to_duration(double seconds) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

std::string product_token(std::string_view user_agent) {
  user_agent = trim(user_agent);
  const std::size_t end = std::min(user_agent.find_first_of("/ \t"), user_agent.size());
  return to_lower(user_agent.substr(0, end));
}

RobotsRules RobotsRules::parse(std::string_view robots_txt, std::string_view user_agent) {
  RobotsRules rules;
  const std::vector<Group> groups =
      parse_groups(without_bom(within_size_limit(robots_txt)), rules.sitemaps_);
  // Several groups for us are merged into one (RFC 9309 2.2.1). Of their
  // crawl delays we keep the longest: too polite costs less than too rude.
  for (const Group* group : groups_for(groups, product_token(user_agent))) {
    rules.rules_.insert(rules.rules_.end(), group->rules.begin(), group->rules.end());
    if (group->crawl_delay_seconds) {
      const Duration delay = to_duration(*group->crawl_delay_seconds);
      rules.crawl_delay_ = std::max(delay, rules.crawl_delay_.value_or(Duration::zero()));
    }
  }
  return rules;
}

RobotsRules RobotsRules::allow_all() { return RobotsRules{}; }

RobotsRules RobotsRules::disallow_all() {
  RobotsRules rules;
  rules.disallow_everything_ = true;
  return rules;
}

bool RobotsRules::allows(std::string_view path_and_query) const {
  if (is_robots_txt(path_and_query)) return true;  // RFC 9309 2.2.2
  if (disallow_everything_) return false;
  const std::string path = comparable(path_and_query, Side::path);
  // The longest matching rule decides; on a tie, Allow wins (RFC 9309 2.2.2).
  const Rule* decisive = nullptr;
  for (const Rule& rule : rules_) {
    if (!rule_matches(rule.pattern, path)) continue;
    const bool longer = !decisive || rule.pattern.size() > decisive->pattern.size();
    const bool allow_on_tie =
        decisive && rule.pattern.size() == decisive->pattern.size() && rule.allow;
    if (longer || allow_on_tie) decisive = &rule;
  }
  return !decisive || decisive->allow;
}

}  // namespace corolab::crawler
