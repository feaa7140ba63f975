// corolab-lessonkit: regions, starters and quotes, the glue that keeps
// lesson texts, slides and exercises in step with the real code.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "markers.hpp"
#include "quotes.hpp"
#include "temporary_folder.hpp"

using namespace lessonkit;

namespace {

const std::string solution =
    "#include <x>\n"
    "// #region answer\n"
    "int answer() {\n"
    "  // #exercise answer: return the answer\n"
    "  return 42;\n"
    "  // #starter\n"
    "  // throw std::logic_error(\"write answer\");\n"
    "  // #endexercise\n"
    "}\n"
    "// #endregion answer\n"
    "\n"
    "struct S {\n"
    "  // #region nested\n"
    "  int x;\n"
    "  // #endregion nested\n"
    "};\n";

// A throwaway repository root holding one source file.
struct TempRoot {
  TemporaryFolder folder{"lessonkit-test"};
  TempRoot() {
    std::filesystem::create_directories(folder.path / "src");
    write_file((folder.path / "src/answer.cpp").string(), solution);
  }
  std::string root() const { return folder.path.string(); }
};

}  // namespace

TEST_CASE("a region is quoted without markers, starters or common indentation") {
  CHECK(extract_region(solution, "answer", "s.cpp") == "int answer() {\n  return 42;\n}\n");
  CHECK(extract_region(solution, "nested", "s.cpp") == "int x;\n");
}

TEST_CASE("a missing, unterminated or empty region is an error that says where") {
  CHECK_THROWS_WITH(extract_region(solution, "nope", "s.cpp"), "s.cpp: no region 'nope'");
  CHECK_THROWS_WITH(extract_region("// #region a\nint x;\n", "a", "s.cpp"),
                    "s.cpp:1: region 'a' has no #endregion");
  CHECK_THROWS_WITH(extract_region("// #region a\n\n// #endregion a\n", "a", "s.cpp"),
                    "s.cpp:1: region 'a' is empty");
  CHECK_THROWS_WITH(extract_region("// #endregion a\n", "a", "s.cpp"),
                    "s.cpp:1: region 'a' ends before it begins");
}

TEST_CASE("markers work after # comments too (CMake, shell)") {
  CHECK(extract_region("# #region r\nset(x 1)\n# #endregion r\n", "r", "f.cmake") == "set(x 1)\n");
}

TEST_CASE("a starter replaces each solution with its TODO and uncommented starter code") {
  CHECK(make_starter(solution, "s.cpp") ==
        "#include <x>\n"
        "int answer() {\n"
        "  // EXERCISE answer: return the answer\n"
        "  throw std::logic_error(\"write answer\");\n"
        "}\n"
        "\n"
        "struct S {\n"
        "  int x;\n"
        "};\n");
}

TEST_CASE("malformed exercises are errors") {
  CHECK_THROWS_WITH(make_starter("int x;\n", "s.cpp"), "s.cpp: no #exercise in this file");
  CHECK_THROWS_WITH(make_starter("// #exercise a: x\nint y;\n", "s.cpp"),
                    "s.cpp: exercise 'a' has no #endexercise");
  CHECK_THROWS_WITH(make_starter("// #exercise a\n// #starter\nint y;\n// #endexercise\n", "s.cpp"),
                    "s.cpp:3: starter lines must be commented out with //");
  CHECK_THROWS_WITH(make_starter("// #starter\n", "s.cpp"),
                    "s.cpp:1: #starter outside an exercise");
}

TEST_CASE("the whole file can be quoted, without its markers") {
  std::string stripped = strip_markers(solution, "s.cpp");
  CHECK(stripped.find("#region") == std::string::npos);
  CHECK(stripped.find("write answer") == std::string::npos);
  CHECK(stripped.find("return 42;") != std::string::npos);
}

TEST_CASE("expanding a quote inserts the code, and replaces a stale copy") {
  TempRoot repo;
  std::string deck = "# Title\n<!-- quote src/answer.cpp#nested -->\nafter\n";
  std::string expanded = expand_quotes(deck, "deck.md", repo.root());
  CHECK(expanded == "# Title\n<!-- quote src/answer.cpp#nested -->\n```cpp\nint x;\n```\nafter\n");
  std::string stale = "<!-- quote src/answer.cpp#nested -->\n```cpp\nint old;\n```\n";
  CHECK(expand_quotes(stale, "deck.md", repo.root()) ==
        "<!-- quote src/answer.cpp#nested -->\n```cpp\nint x;\n```\n");
  CHECK(expand_quotes(expanded, "deck.md", repo.root()) == expanded);
}

TEST_CASE("check reports missing regions and stale copies, and passes current ones") {
  TempRoot repo;
  std::string current = "<!-- quote src/answer.cpp#nested -->\n```cpp\nint x;\n```\n";
  CHECK(check_quotes(current, "a.md", repo.root()).empty());
  CHECK(check_quotes("<!-- quote src/answer.cpp#nested -->\n", "a.md", repo.root()).empty());

  Problems stale = check_quotes("<!-- quote src/answer.cpp#nested -->\n```cpp\nint y;\n```\n",
                                "a.md", repo.root());
  REQUIRE(stale.size() == 1);
  CHECK(stale[0] ==
        "a.md:1: the copy of src/answer.cpp#nested is out of date (./corolab quotes updates it)");

  Problems missing =
      check_quotes("text\n<!-- quote src/answer.cpp#gone -->\n", "a.md", repo.root());
  REQUIRE(missing.size() == 1);
  CHECK(missing[0] == "a.md:2: src/answer.cpp: no region 'gone'");

  Problems no_file = check_quotes("<!-- quote src/none.cpp#x -->\n", "a.md", repo.root());
  REQUIRE(no_file.size() == 1);
  CHECK(no_file[0].find("cannot read") != std::string::npos);
}

TEST_CASE("a region can be quoted as the attendee's starter shows it") {
  CHECK(extract_region(solution, "answer", "s.cpp", Version::starter) ==
        "int answer() {\n"
        "  // EXERCISE answer: return the answer\n"
        "  throw std::logic_error(\"write answer\");\n"
        "}\n");
  CHECK(extract_region(solution, "nested", "s.cpp", Version::starter) == "int x;\n");
  TempRoot repo;
  std::string expanded =
      expand_quotes("<!-- quote src/answer.cpp#answer starter -->\n", "a.md", repo.root());
  CHECK(expanded.find("EXERCISE answer") != std::string::npos);
  CHECK(expanded.find("return 42") == std::string::npos);
  CHECK_THROWS_WITH(
      expand_quotes("<!-- quote src/answer.cpp#answer sideways -->\n", "a.md", repo.root()),
      "a.md:1: unknown quote option 'sideways' (only 'starter')");
}
