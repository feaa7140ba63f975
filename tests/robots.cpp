// robots.txt (RFC 9309): group selection, longest match, the special
// characters, percent-encoding, and the lines around the rules.
#include "corolab/crawler/robots.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <string_view>

using corolab::crawler::RobotsRules;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kAgent = "corolab/0.1";

struct Verdict {
  std::string_view path;
  bool allowed;
};

// Checks every verdict for `user_agent` against `robots_txt`.
void check_verdicts(std::string_view robots_txt, std::string_view user_agent,
                    std::initializer_list<Verdict> verdicts) {
  const RobotsRules rules = RobotsRules::parse(robots_txt, user_agent);
  for (const Verdict& verdict : verdicts) {
    CAPTURE(user_agent, verdict.path);
    CHECK(rules.allows(verdict.path) == verdict.allowed);
  }
}

// A robots.txt with one group for everyone and a single rule.
std::string single_rule(std::string_view rule) {
  return "User-agent: *\n" + std::string(rule) + "\n";
}

}  // namespace

// --- the examples of RFC 9309 ---

TEST_CASE("RFC 9309 2.2.1: a crawler finds its group by its product token") {
  // The crawler's User-Agent header reads
  // "Mozilla/5.0 (compatible; ExampleBot/0.1; https://www.example.com/bot.html)";
  // its product token is "ExampleBot".
  constexpr std::string_view robots = "user-agent: ExampleBot\ndisallow: /foo\ndisallow: /bar\n";
  check_verdicts(robots, "ExampleBot/0.1", {{"/foo", false}, {"/bar/x", false}, {"/baz", true}});
  check_verdicts(robots, "ExampleBot", {{"/foo", false}});
  check_verdicts(robots, "otherbot", {{"/foo", true}});
}

TEST_CASE("RFC 9309 2.2.1: groups for the same crawler are merged") {
  constexpr std::string_view robots =
      "user-agent: ExampleBot\n"
      "disallow: /foo\n"
      "disallow: /bar\n"
      "\n"
      "user-agent: ExampleBot\n"
      "disallow: /baz\n";
  check_verdicts(robots, "ExampleBot",
                 {{"/foo", false}, {"/bar", false}, {"/baz", false}, {"/qux", true}});
}

TEST_CASE("RFC 9309 2.2.2 table 1: percent-encoded paths") {
  // Rule and path may each be written in either column's spelling.
  struct Row {
    std::string_view path;
    std::string_view encoded;
  };
  const Row rows[] = {
      {"/foo/bar?baz=quz", "/foo/bar?baz=quz"},
      {"/foo/bar?baz=https://foo.bar", "/foo/bar?baz=https%3A%2F%2Ffoo.bar"},
      {"/foo/bar/\xE3\x83\x84", "/foo/bar/%E3%83%84"},  // U+30C4, UTF-8 E3 83 84
      {"/foo/bar/%E3%83%84", "/foo/bar/%E3%83%84"},
      {"/foo/bar/%62%61%7A", "/foo/bar/baz"},
  };
  for (const Row& row : rows) {
    check_verdicts(single_rule("Disallow: " + std::string(row.path)), kAgent,
                   {{row.path, false}, {row.encoded, false}, {"/foo/other", true}});
    check_verdicts(single_rule("Disallow: " + std::string(row.encoded)), kAgent,
                   {{row.path, false}, {row.encoded, false}});
  }
  // lowercase hex is the same escape
  check_verdicts(single_rule("Disallow: /foo/bar/%e3%83%84"), kAgent,
                 {{"/foo/bar/\xE3\x83\x84", false}});
}

TEST_CASE("RFC 9309 2.2.3: special characters") {
  check_verdicts(
      "# comment on its own line\nUser-agent: *\ndisallow: /\nallow: / # comment in line\n", kAgent,
      {{"/anything", true}});
  check_verdicts(single_rule("disallow: /this/path/exactly$"), kAgent,
                 {{"/this/path/exactly", false},
                  {"/this/path/exactly/", true},
                  {"/this/path/exactly?x", true}});
  check_verdicts(single_rule("disallow: /this/*/exactly"), kAgent,
                 {{"/this/a/exactly", false},
                  {"/this/a/b/exactly", false},
                  {"/this//exactly", false},
                  {"/this/exactly", true}});
  // a literal '*' or '$' is matched by its escape
  check_verdicts(single_rule("disallow: /path/file-with-a-%2A.html"), kAgent,
                 {{"/path/file-with-a-*.html", false},
                  {"/path/file-with-a-%2a.html", false},
                  {"/path/file-with-a-x.html", true}});
  check_verdicts(single_rule("disallow: /path/foo-%24"), kAgent,
                 {{"/path/foo-$", false}, {"/path/foo-", true}});
}

TEST_CASE("RFC 9309 5.1: a simple example") {
  constexpr std::string_view robots =
      "User-Agent: *\n"
      "Disallow: *.gif$\n"
      "Disallow: /example/\n"
      "Allow: /publications/\n"
      "\n"
      "User-Agent: foobot\n"
      "Disallow:/\n"
      "Allow:/example/page.html\n"
      "Allow:/example/allowed.gif\n"
      "\n"
      "User-Agent: barbot\n"
      "User-Agent: bazbot\n"
      "Disallow: /example/page.html\n"
      "\n"
      "User-Agent: quxbot\n"
      "\n"
      "EOF\n";  // as printed in the RFC: a line without ':', so ignored
  // foobot: a single user agent followed by rules
  check_verdicts(robots, "foobot",
                 {{"/example/page.html", true},
                  {"/example/allowed.gif", true},
                  {"/example/other.html", false},
                  {"/publications/", false},
                  {"/", false}});
  // barbot and bazbot share a group; the "*" group does not apply to them
  for (std::string_view agent : {"barbot", "bazbot"}) {
    check_verdicts(
        robots, agent,
        {{"/example/page.html", false}, {"/example/other.html", true}, {"/image.gif", true}});
  }
  // quxbot: an empty group at the end of the file, so nothing is disallowed
  check_verdicts(robots, "quxbot", {{"/example/page.html", true}, {"/image.gif", true}});
  // everyone else: the "*" group
  check_verdicts(robots, "otherbot",
                 {{"/image.gif", false},
                  {"/a/b/image.gif", false},
                  {"/image.gif?size=2", true},
                  {"/example/", false},
                  {"/example/page.html", false},
                  {"/publications/", true},
                  {"/", true},
                  {"/publications/x.gif", true}});  // "/publications/" is longer than "*.gif$"
}

TEST_CASE("RFC 9309 5.2: the longest match") {
  constexpr std::string_view robots =
      "User-Agent: foobot\n"
      "Allow: /example/page/\n"
      "Disallow: /example/page/disallowed.gif\n";
  check_verdicts(robots, "foobot",
                 {{"/example/page/disallowed.gif", false},
                  {"/example/page/", true},
                  {"/example/page/allowed.gif", true}});
}

// --- '*' and '$' (the path-matching examples of Google's robots.txt documentation) ---

TEST_CASE("wildcards: '*' matches any run of characters, a final '$' the end") {
  struct Example {
    std::string_view rule;
    std::initializer_list<Verdict> verdicts;  // allowed == the rule does not match
  };
  const Example examples[] = {
      {"/", {{"/", false}, {"/anything", false}}},
      {"/*", {{"/", false}, {"/anything", false}}},
      {"/$", {{"/", false}, {"/anything", true}, {"/?x=1", true}}},
      {"/fish",
       {{"/fish", false},
        {"/fish.html", false},
        {"/fish/salmon.html", false},
        {"/fishheads", false},
        {"/fishheads/yummy.html", false},
        {"/fish.php?id=anything", false},
        {"/Fish.asp", true},
        {"/catfish", true},
        {"/?id=fish", true},
        {"/desert/fish", true}}},
      {"/fish*",
       {{"/fish", false},
        {"/fish.html", false},
        {"/fishheads", false},
        {"/Fish.asp", true},
        {"/catfish", true}}},
      {"/fish/",
       {{"/fish/", false},
        {"/fish/?id=anything", false},
        {"/fish/salmon.htm", false},
        {"/fish", true},
        {"/fish.html", true},
        {"/animals/fish/", true},
        {"/Fish/Salmon.asp", true}}},
      {"/*.php",
       {{"/index.php", false},
        {"/filename.php", false},
        {"/folder/filename.php", false},
        {"/folder/filename.php?parameters", false},
        {"/folder/any.php.file.html", false},
        {"/filename.php/", false},
        {"/", true},
        {"/windows.PHP", true}}},
      {"/*.php$",
       {{"/filename.php", false},
        {"/folder/filename.php", false},
        {"/filename.php?parameters", true},
        {"/filename.php/", true},
        {"/filename.php5", true},
        {"/windows.PHP", true}}},
      {"/fish*.php",
       {{"/fish.php", false}, {"/fishheads/catfish.php?parameters", false}, {"/Fish.PHP", true}}},
      // '$' not at the end is the character; '*' at the start is allowed too
      {"/a$b", {{"/a$b", false}, {"/a%24b", false}, {"/a", true}, {"/ab", true}}},
      {"*.gif$", {{"/x.gif", false}, {"/x.gif.html", true}}},
      {"/a**b*$", {{"/ab", false}, {"/a/x/b/y", false}, {"/a", true}}},
  };
  for (const Example& example : examples) {
    CAPTURE(example.rule);
    check_verdicts(single_rule("Disallow: " + std::string(example.rule)), kAgent, example.verdicts);
  }
}

TEST_CASE("precedence: the longest matching rule decides, Allow wins a tie") {
  // Google's documentation examples
  check_verdicts(single_rule("allow: /p\ndisallow: /"), kAgent,
                 {{"/page", true}, {"/other", false}});
  check_verdicts(single_rule("allow: /folder\ndisallow: /folder"), kAgent,
                 {{"/folder/page", true}});
  check_verdicts(single_rule("allow: /page\ndisallow: /*.htm"), kAgent,
                 {{"/page.htm", false}, {"/page", true}});
  check_verdicts(single_rule("allow: /page\ndisallow: /*.ph"), kAgent, {{"/page.php5", true}});
  check_verdicts(single_rule("allow: /$\ndisallow: /"), kAgent,
                 {{"/", true}, {"/page.htm", false}});
  // the order of the lines does not matter
  check_verdicts(single_rule("disallow: /folder\nallow: /folder"), kAgent,
                 {{"/folder/page", true}});
  check_verdicts(single_rule("disallow: /a/b\nallow: /a"), kAgent,
                 {{"/a/b/c", false}, {"/a/c", true}});
}

// --- group selection ---

TEST_CASE("group selection: our product token, case-insensitively, else '*'") {
  constexpr std::string_view robots =
      "User-agent: *\n"
      "Disallow: /everyone\n"
      "\n"
      "User-agent: CoroLab\n"
      "Disallow: /us\n";
  check_verdicts(robots, "corolab/0.1", {{"/us", false}, {"/everyone", true}});
  check_verdicts(robots, "COROLAB", {{"/us", false}});
  check_verdicts(robots, "corolab/0.1 (+https://example.com/bot)", {{"/us", false}});
  check_verdicts(robots, "otherbot/2.0", {{"/us", true}, {"/everyone", false}});
  // a token in robots.txt with a version still names the product
  check_verdicts("User-agent: corolab/9.9\nDisallow: /\n", kAgent, {{"/x", false}});
  // a prefix is not the product
  check_verdicts("User-agent: coro\nDisallow: /\n", kAgent, {{"/x", true}});
  check_verdicts("User-agent: corolabs\nDisallow: /\n", kAgent, {{"/x", true}});
}

TEST_CASE("group selection: several agents per group, merged groups, no group at all") {
  // one group for two agents, ours second
  check_verdicts("User-agent: otherbot\nUser-agent: corolab\nDisallow: /shared\n", kAgent,
                 {{"/shared", false}});
  // our groups are merged, even when a '*' group sits between them
  check_verdicts(
      "User-agent: corolab\nDisallow: /a\n\nUser-agent: *\nDisallow: /b\n\nUser-agent: "
      "corolab\nDisallow: "
      "/c\n",
      kAgent, {{"/a", false}, {"/b", true}, {"/c", false}});
  // several '*' groups merge too
  check_verdicts("User-agent: *\nDisallow: /a\nUser-agent: *\nDisallow: /b\n", kAgent,
                 {{"/a", false}, {"/b", false}});
  // no group for us and no '*' group: everything is allowed
  check_verdicts("User-agent: otherbot\nDisallow: /\n", kAgent, {{"/", true}, {"/x", true}});
  // rules before any user-agent line belong to no group
  check_verdicts("Disallow: /\nUser-agent: *\nDisallow: /private\n", kAgent,
                 {{"/x", true}, {"/private", false}});
  // a user-agent line after rules starts a new group
  check_verdicts("User-agent: corolab\nDisallow: /a\nUser-agent: otherbot\nDisallow: /b\n", kAgent,
                 {{"/a", false}, {"/b", true}});
  // lines we do not know do not end the user-agent lines of a group
  check_verdicts(
      "User-agent: otherbot\nSitemap: http://x/s.xml\nUser-agent: corolab\nDisallow: /b\n", kAgent,
      {{"/b", false}});
}

// --- lines and their syntax ---

TEST_CASE("an empty Disallow rules nothing") {
  check_verdicts(single_rule("Disallow:"), kAgent, {{"/", true}, {"/x", true}});
  check_verdicts(single_rule("Disallow:   # nothing"), kAgent, {{"/x", true}});
  // but the group is still ours: the '*' group does not apply
  check_verdicts("User-agent: *\nDisallow: /\n\nUser-agent: corolab\nDisallow:\n", kAgent,
                 {{"/x", true}});
}

TEST_CASE("keys are case-insensitive, values trimmed, comments dropped") {
  check_verdicts(
      "USER-AGENT:*\nDISALLOW:/a\n  disallow  :   /b   \nDiSaLlOw: /c # not /c/d\nallow:/a/ok#x\n",
      kAgent, {{"/a", false}, {"/b", false}, {"/c", false}, {"/a/ok", true}, {"/d", true}});
  check_verdicts("User-agent: * # everyone\nDisallow: /x\n", kAgent, {{"/x", false}});
  check_verdicts("# User-agent: *\n# Disallow: /\n", kAgent, {{"/", true}});
}

TEST_CASE("line endings: LF, CRLF and CR, and a byte order mark") {
  check_verdicts("User-agent: *\nDisallow: /lf\n", kAgent, {{"/lf", false}});
  check_verdicts("User-agent: *\r\nDisallow: /crlf\r\nAllow: /crlf/ok\r\n", kAgent,
                 {{"/crlf", false}, {"/crlf/ok", true}});
  check_verdicts("User-agent: *\rDisallow: /cr\r", kAgent, {{"/cr", false}});
  check_verdicts("User-agent: *\nDisallow: /no-final-newline", kAgent,
                 {{"/no-final-newline", false}});
  check_verdicts("\xEF\xBB\xBFUser-agent: *\nDisallow: /bom\n", kAgent, {{"/bom", false}});
}

TEST_CASE("/robots.txt is always allowed") {
  check_verdicts(single_rule("Disallow: /"), kAgent,
                 {{"/robots.txt", true}, {"/robots.txt?x=1", true}, {"/robots.txt.bak", false}});
  CHECK(RobotsRules::disallow_all().allows("/robots.txt"));
}

TEST_CASE("allow_all and disallow_all") {
  const RobotsRules everything = RobotsRules::allow_all();
  CHECK(everything.allows("/"));
  CHECK(everything.allows("/private/x?y=1"));
  CHECK_FALSE(everything.crawl_delay());
  CHECK(everything.sitemaps().empty());

  const RobotsRules nothing = RobotsRules::disallow_all();
  CHECK_FALSE(nothing.allows("/"));
  CHECK_FALSE(nothing.allows("/index.html"));
}

TEST_CASE("Crawl-delay belongs to the chosen group and may be fractional") {
  CHECK(RobotsRules::parse("User-agent: *\nCrawl-delay: 2\n", kAgent).crawl_delay() == 2s);
  CHECK(RobotsRules::parse("User-agent: *\nCrawl-delay: 0.5\n", kAgent).crawl_delay() == 500ms);
  CHECK(
      RobotsRules::parse("User-agent: *\ncrawl-delay:   1.25   # polite\n", kAgent).crawl_delay() ==
      1250ms);
  // another agent's delay is not ours
  CHECK_FALSE(RobotsRules::parse("User-agent: otherbot\nCrawl-delay: 10\n", kAgent).crawl_delay());
  CHECK(RobotsRules::parse("User-agent: *\nCrawl-delay: 1\n\nUser-agent: corolab\nCrawl-delay: 3\n",
                           kAgent)
            .crawl_delay() == 3s);
  // merged groups: the longest delay
  CHECK(RobotsRules::parse(
            "User-agent: corolab\nCrawl-delay: 3\nUser-agent: corolab\nCrawl-delay: 5\n", kAgent)
            .crawl_delay() == 5s);
  // nonsense is ignored; absurd values are capped at a day
  for (std::string_view value : {"", "soon", "-1", "5s", "nan", "inf", "1,5"}) {
    CAPTURE(value);
    CHECK_FALSE(
        RobotsRules::parse("User-agent: *\nCrawl-delay: " + std::string(value) + "\n", kAgent)
            .crawl_delay());
  }
  CHECK(RobotsRules::parse("User-agent: *\nCrawl-delay: 1e300\n", kAgent).crawl_delay() == 24h);
  // a crawl-delay line ends the user-agent lines, like a rule
  CHECK(RobotsRules::parse("User-agent: corolab\nCrawl-delay: 4\nUser-agent: other\nDisallow: /\n",
                           kAgent)
            .allows("/"));
}

TEST_CASE("Sitemap lines, wherever they are") {
  const RobotsRules rules = RobotsRules::parse(
      "Sitemap: https://example.com/sitemap.xml\n"
      "User-agent: otherbot\n"
      "Disallow: /\n"
      "sitemap:   https://example.com/news.xml   \n"
      "Sitemap:\n",
      kAgent);
  REQUIRE(rules.sitemaps().size() == 2);
  CHECK(rules.sitemaps()[0] == "https://example.com/sitemap.xml");
  CHECK(rules.sitemaps()[1] == "https://example.com/news.xml");
  CHECK(rules.allows("/anything"));
}

TEST_CASE("only the first 500 KiB are read") {
  std::string robots = "User-agent: *\nDisallow: /early\n";
  robots.append(500 * 1024 - robots.size() - 10, '#');
  robots += "\nDisallow: /late\n";  // starts before the limit, ends after it
  const RobotsRules rules = RobotsRules::parse(robots, kAgent);
  CHECK_FALSE(rules.allows("/early"));
  CHECK(rules.allows("/late"));  // half a rule is no rule: "/la" would block more
  CHECK(rules.allows("/la"));
}

TEST_CASE("a line that ends right at 500 KiB is whole, and is read") {
  std::string robots = "User-agent: *\n";
  robots.append(500 * 1024 - robots.size() - 16, '#');
  robots += "\nDisallow: /last";  // its last byte is the 500 KiB-th
  REQUIRE(robots.size() == RobotsRules::kMaxBytes);
  const RobotsRules cut_after = RobotsRules::parse(robots + "\n# more", kAgent);
  CHECK_FALSE(cut_after.allows("/last"));
  const RobotsRules cut_inside = RobotsRules::parse(robots + "-longer\n", kAgent);
  CHECK(cut_inside.allows("/last"));  // "/last-longer" cut to "/last": dropped
}

TEST_CASE("garbage is no robots.txt, and never an exception") {
  const std::string_view garbage[] = {
      "",
      "\n\n\n",
      "<html><body>Not Found</body></html>",
      "User-agent",
      ":::::",
      "User-agent: *\nDisallow",
      std::string_view("User-agent: *\0Disallow: /\n", 26),
      "\xFF\xFE\x00\x01 binary \x80\x81",
      "User-agent: *\nDisallow: %\nDisallow: %%\nDisallow: %zz\nDisallow: *****$$$$\n",
  };
  for (std::string_view text : garbage) {
    CAPTURE(text);
    RobotsRules rules = RobotsRules::allow_all();
    REQUIRE_NOTHROW(rules = RobotsRules::parse(text, kAgent));
    CHECK(rules.allows("/robots.txt"));
    CHECK_NOTHROW(rules.allows("/some/page?x=%zz*$"));
  }
}
