// corolab/text.hpp: the ASCII helpers every layer shares.
#include "corolab/text.hpp"

#include <catch2/catch.hpp>

using namespace corolab::text;

TEST_CASE("to_lower changes ASCII letters only") {
  CHECK(to_lower("Content-Type: TEXT/HTML") == "content-type: text/html");
  // A UTF-8 letter's bytes are left alone (protocols fold ASCII only).
  CHECK(to_lower("\xC3\x84-Z") == "\xC3\x84-z");
  CHECK(to_lower('@') == '@');
  CHECK(to_lower('[') == '[');
}

TEST_CASE("iequals ignores ASCII case only") {
  CHECK(iequals("Retry-After", "retry-after"));
  CHECK_FALSE(iequals("Retry-After", "Retry-Afte"));
  CHECK_FALSE(iequals("a", "\xC3\x84"));
}

TEST_CASE("trim removes ASCII whitespace at both ends") {
  CHECK(trim(" \t\r\n\v\f a b \r\n") == "a b");
  CHECK(trim("   ").empty());
  CHECK(trim("") == "");
}

TEST_CASE("hex digits both ways") {
  CHECK(hex_value('0') == 0);
  CHECK(hex_value('a') == 10);
  CHECK(hex_value('F') == 15);
  CHECK(hex_value('g') == -1);
  CHECK(hex_value('/') == -1);
  CHECK(is_hex_digit('c'));
  CHECK_FALSE(is_hex_digit('G'));
  CHECK(hex_digit(0) == '0');
  CHECK(hex_digit(10) == 'A');
  CHECK(hex_digit(0x1F) == 'F');  // only the low four bits count
}

TEST_CASE("count_of puts a count and its noun together, plural unless one") {
  CHECK(corolab::text::count_of(0, "link") == "0 links");
  CHECK(corolab::text::count_of(1, "broken link") == "1 broken link");
  CHECK(corolab::text::count_of(3, "URL") == "3 URLs");
}

TEST_CASE("escape_markup escapes the five characters markup reserves") {
  CHECK(escape_markup(R"(<a href="x?a=1&b='2'">)") ==
        "&lt;a href=&quot;x?a=1&amp;b=&#39;2&#39;&quot;&gt;");
  CHECK(escape_markup("plain text") == "plain text");
}
