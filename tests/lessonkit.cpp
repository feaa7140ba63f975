// corolab-lessonkit: regions, starters and quotes, the glue that keeps
// lesson texts, slides and exercises in step with the real code. Quotes by
// name run Universal Ctags (the Debian package universal-ctags).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "markers.hpp"
#include "quotes.hpp"
#include "symbols.hpp"
#include "temporary_folder.hpp"

using namespace lessonkit;

namespace {

const std::string solution =
    "#include <x>\n"
    "// #region whole_answer\n"
    "int answer() {\n"
    "  // #exercise answer: return the answer\n"
    "  return 42;\n"
    "  // #starter\n"
    "  // throw std::logic_error(\"write answer\");\n"
    "  // #endexercise\n"
    "}\n"
    "// #endregion whole_answer\n"
    "\n"
    "struct S {\n"
    "  // #region nested\n"
    "  int x;\n"
    "  // #endregion nested\n"
    "};\n";

// Definitions to quote by name: a header and its source file.
const std::string heap_hpp =
    "#pragma once\n"
    "// A heap, for the tests.\n"
    "//\n"
    "// Its second paragraph.\n"
    "\n"
    "#include <vector>\n"
    "\n"
    "namespace lab {\n"
    "\n"
    "// Adds two numbers.\n"
    "// (A comment of two lines.)\n"
    "inline int add(int a, int b) { return a + b; }\n"
    "\n"
    "// Not twice's comment: a blank line follows.\n"
    "\n"
    "template <typename T>\n"
    "T twice(T x) {\n"
    "  return x + x;\n"
    "}\n"
    "\n"
    "class Heap {\n"
    " public:\n"
    "  explicit Heap(int size) : size_(size) {}\n"
    "  void insert(int value);\n"
    "\n"
    " private:\n"
    "  // One slot of the heap.\n"
    "  struct Entry {\n"
    "    int value;\n"
    "  };\n"
    "  int size_ = 0;\n"
    "};\n"
    "\n"
    "template <typename T>\n"
    "struct Box {\n"
    "  T value;\n"
    "};\n"
    "\n"
    "template <>\n"
    "struct Box<void> {};\n"
    "\n"
    "}  // namespace lab\n";

const std::string heap_cpp =
    "// Heap's members, and more.\n"
    "#include \"heap.hpp\"\n"
    "\n"
    "namespace lab {\n"
    "\n"
    "// Puts `value` in its place.\n"
    "void Heap::insert(int value) {\n"
    "  // #exercise insert: count the value\n"
    "  ++size_;\n"
    "  // #starter\n"
    "  // (void)value;\n"
    "  // #endexercise\n"
    "}\n"
    "\n"
    "void Stack::insert(int) {}\n"
    "\n"
    "void log(int) {}\n"
    "void log(const char* text) { (void)text; }\n"
    "\n"
    "// #region twice_used\n"
    "int four() { return twice(2); }\n"
    "// #endregion twice_used\n"
    "\n"
    "// #region log\n"
    "int five() { return 5; }\n"
    "// #endregion log\n"
    "\n"
    "}  // namespace lab\n";

// A throwaway repository root holding a few source files.
struct TempRoot {
  TemporaryFolder folder{"lessonkit-test"};
  TempRoot() {
    std::filesystem::create_directories(folder.path / "src");
    write_file((folder.path / "src/answer.cpp").string(), solution);
    write_file((folder.path / "src/heap.hpp").string(), heap_hpp);
    write_file((folder.path / "src/heap.cpp").string(), heap_cpp);
  }
  std::string root() const { return folder.path.string(); }
  // What `<!-- quote src/FILE#NAME -->` shows, or the message it fails with.
  std::string quoted(const std::string& target) const {
    try {
      return quote(target, root());
    } catch (const Error& e) {
      return e.what();
    }
  }
};

}  // namespace

TEST_CASE("a region is quoted without markers, starters or common indentation") {
  CHECK(extract_region(solution, "whole_answer", "s.cpp") == "int answer() {\n  return 42;\n}\n");
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

TEST_CASE("a solved copy keeps each exercise's TODO line, so it diffs like for like") {
  CHECK(solved_copy(solution, "s.cpp") ==
        "#include <x>\n"
        "int answer() {\n"
        "  // EXERCISE answer: return the answer\n"
        "  return 42;\n"
        "}\n"
        "\n"
        "struct S {\n"
        "  int x;\n"
        "};\n");
  CHECK_THROWS_WITH(solved_copy("int x;\n", "s.cpp"), "s.cpp: no #exercise in this file");
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
  CHECK(missing[0] == "a.md:2: src/answer.cpp: no symbol or region 'gone'");

  Problems no_file = check_quotes("<!-- quote src/none.cpp#x -->\n", "a.md", repo.root());
  REQUIRE(no_file.size() == 1);
  CHECK(no_file[0].find("cannot read") != std::string::npos);
}

TEST_CASE("a region can be quoted as the attendee's starter shows it") {
  CHECK(extract_region(solution, "whole_answer", "s.cpp", Version::starter) ==
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

TEST_CASE("a free function is quoted by name, with the comment directly above it") {
  TempRoot repo;
  CHECK(repo.quoted("src/heap.hpp#add") ==
        "// Adds two numbers.\n"
        "// (A comment of two lines.)\n"
        "inline int add(int a, int b) { return a + b; }\n");
  // A qualified name works too; so does the whole of it.
  CHECK(repo.quoted("src/heap.hpp#lab::add") == repo.quoted("src/heap.hpp#add"));
}

TEST_CASE("a definition's quote begins with its declaration, and the comment right above") {
  std::string text =
      "namespace a {\n"          // 1
      "// About f.\n"            // 2
      "[[nodiscard]]\n"          // 3
      "inline int\n"             // 4
      "f() { return 1; }\n"      // 5: ctags' line for f
      "}  // namespace a\n"      // 6
      "template <typename T>\n"  // 7
      "void g() {}\n"            // 8
      "// Not h's comment: a marker ends it.\n"
      "// #region r\n"  // 10
      "void h() {}\n"   // 11
      "// #endregion r\n";
  CHECK(definition_start(text, 5) == 2);
  CHECK(definition_start(text, 8) == 7);
  CHECK(definition_start(text, 11) == 11);
}

TEST_CASE("a template's quote begins at `template`, and a blank line ends the comment above") {
  TempRoot repo;
  CHECK(repo.quoted("src/heap.hpp#twice") ==
        "template <typename T>\n"
        "T twice(T x) {\n"
        "  return x + x;\n"
        "}\n");
}

TEST_CASE("an out-of-line member is quoted as Class::name, from the file that defines it") {
  TempRoot repo;
  CHECK(repo.quoted("src/heap.cpp#Heap::insert") ==
        "// Puts `value` in its place.\n"
        "void Heap::insert(int value) {\n"
        "  ++size_;\n"
        "}\n");
  // The header only declares it: a prototype is never quoted.
  CHECK(repo.quoted("src/heap.hpp#Heap::insert") ==
        "src/heap.hpp: 'Heap::insert' is only declared here (line 24); quote the file that "
        "defines it");
}

TEST_CASE("a class is quoted whole, and its name is not also its constructor's") {
  TempRoot repo;
  std::string heap = repo.quoted("src/heap.hpp#Heap");
  CHECK(heap.starts_with("class Heap {\n public:\n  explicit Heap(int size)"));
  CHECK(heap.ends_with("  int size_ = 0;\n};\n"));
  CHECK(repo.quoted("src/heap.hpp#Heap::Heap") == "explicit Heap(int size) : size_(size) {}\n");
}

TEST_CASE("a nested struct is quoted by its qualified name, dedented") {
  TempRoot repo;
  CHECK(repo.quoted("src/heap.hpp#Heap::Entry") ==
        "// One slot of the heap.\n"
        "struct Entry {\n"
        "  int value;\n"
        "};\n");
}

TEST_CASE("a template names its primary definition, template arguments a specialization") {
  TempRoot repo;
  CHECK(repo.quoted("src/heap.hpp#Box") == "template <typename T>\nstruct Box {\n  T value;\n};\n");
  CHECK(repo.quoted("src/heap.hpp#Box<void>") == "template <>\nstruct Box<void> {};\n");
}

TEST_CASE("overloads are told apart by their parameters, as the definition writes them") {
  TempRoot repo;
  CHECK(repo.quoted("src/heap.cpp#log(const char* text)") ==
        "void log(const char* text) { (void)text; }\n");
  CHECK(expand_quotes("<!-- quote src/heap.cpp#log(int) starter -->\n", "a.md", repo.root()) ==
        "<!-- quote src/heap.cpp#log(int) starter -->\n```cpp\nvoid log(int) {}\n```\n");
}

TEST_CASE("the header comment is quoted as path#header-comment") {
  TempRoot repo;
  CHECK(repo.quoted("src/heap.hpp#header-comment") ==
        "// A heap, for the tests.\n//\n// Its second paragraph.\n");
  CHECK(repo.quoted("src/heap.cpp#header-comment") == "// Heap's members, and more.\n");
  CHECK(header_comment("int x;\n// not a header comment\n") == std::nullopt);
}

TEST_CASE("a deck that must hide solutions is told when a quote would show one") {
  TempRoot repo;
  const std::string solved = "<!-- quote src/answer.cpp#answer -->\n";
  CHECK(check_quotes(solved, "d.md", repo.root()).empty());
  Problems shown = check_quotes(solved, "d.md", repo.root(), Solutions::hidden);
  REQUIRE(shown.size() == 1);
  CHECK(shown[0] ==
        "d.md:1: src/answer.cpp#answer shows an exercise's solution; a deck quotes it as "
        "`src/answer.cpp#answer starter`");
  CHECK(check_quotes("<!-- quote src/answer.cpp#answer starter -->\n", "d.md", repo.root(),
                     Solutions::hidden)
            .empty());
  // Code without an exercise in it has no solution to hide.
  CHECK(
      check_quotes("<!-- quote src/answer.cpp#nested -->\n", "d.md", repo.root(), Solutions::hidden)
          .empty());
}

TEST_CASE("a symbol's starter view shows the exercise inside it as the attendee's starter") {
  TempRoot repo;
  CHECK(repo.quoted("src/heap.cpp#Heap::insert starter") ==
        "// Puts `value` in its place.\n"
        "void Heap::insert(int value) {\n"
        "  // EXERCISE insert: count the value\n"
        "  (void)value;\n"
        "}\n");
  // An exercise around a definition would have its solution shown.
  std::string wrapped =
      "// #exercise whole: write it\nint f() { return 1; }\n// #starter\n// int f();\n"
      "// #endexercise\n";
  CHECK_THROWS_WITH(extract_lines(wrapped, 2, 2, "w.cpp", Version::starter),
                    "w.cpp:1: lines 2-2 hold only part of exercise 'whole' (lines 1-5): their "
                    "starter view would give its solution away");
}

TEST_CASE("a name that matches several definitions is an error that lists them") {
  TempRoot repo;
  CHECK(repo.quoted("src/heap.cpp#insert") ==
        "src/heap.cpp: 'insert' is ambiguous: line 7 (function lab::Heap::insert(int value)), "
        "line 15 (function lab::Stack::insert(int)); quote a more qualified name "
        "(Scope::insert) or mark a region");
  CHECK(repo.quoted("src/heap.cpp#Stack::insert") == "void Stack::insert(int) {}\n");
  CHECK(repo.quoted("src/heap.cpp#lab::log").find("name one overload by its parameters") !=
        std::string::npos);
}

TEST_CASE("a missing symbol, or one that is also a region, is an error naming the directive") {
  TempRoot repo;
  Problems problems = check_quotes(
      "<!-- quote src/heap.cpp#nope -->\n<!-- quote src/heap.cpp#log -->\n", "a.md", repo.root());
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] == "a.md:1: src/heap.cpp: no symbol or region 'nope'");
  CHECK(
      problems[1].starts_with("a.md:2: src/heap.cpp: 'log' is both a region (line 24) and a "
                              "symbol (lab::log, line 17)"));
  // A region named like no definition is quoted as before.
  CHECK(repo.quoted("src/heap.cpp#twice_used") == "int four() { return twice(2); }\n");
}

TEST_CASE("check reports a stale copy of a symbol quote, and update refreshes it") {
  TempRoot repo;
  std::string stale =
      "<!-- quote src/heap.hpp#Heap::Entry -->\n```cpp\nstruct Entry {\n  int old;\n};\n```\n";
  Problems problems = check_quotes(stale, "a.md", repo.root());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] ==
        "a.md:1: the copy of src/heap.hpp#Heap::Entry is out of date (./corolab quotes updates "
        "it)");
  std::string fresh = expand_quotes(stale, "a.md", repo.root());
  CHECK(check_quotes(fresh, "a.md", repo.root()).empty());
  CHECK(fresh.find("// One slot of the heap.") != std::string::npos);
}

TEST_CASE("ctags is found, or its absence is an error that says what to install") {
  TempRoot repo;
  std::string file = repo.root() + "/src/heap.hpp";
  std::vector<Definition> definitions = find_definitions(file);
  CHECK(match_definitions(definitions, "add").size() == 1);
  CHECK(match_definitions(definitions, "Heap::insert").empty());  // a prototype
  CHECK_THROWS_WITH(
      find_definitions(file, "corolab-no-such-ctags"),
      Catch::Contains("corolab-no-such-ctags not found") && Catch::Contains("universal-ctags"));
}

TEST_CASE("the marker audit counts markers and finds deep nesting and header comments") {
  MarkerAudit clean = audit_markers(solution, "s.cpp");
  CHECK(clean.markers == 7);
  CHECK(clean.problems.empty());

  MarkerAudit deep = audit_markers(
      "int x;\n// #region a\n// #region b\n// #exercise c: d\n// #starter\n// #endexercise\n"
      "// #endregion b\n// #endregion a\n",
      "d.cpp");
  REQUIRE(deep.problems.size() == 1);
  CHECK(deep.problems[0].starts_with("d.cpp:4: #exercise c is nested 2 deep"));

  MarkerAudit header = audit_markers(
      "#pragma once\n// Title.\n// #region idea\n// The idea.\n// #endregion idea\n", "h.hpp");
  REQUIRE(header.problems.size() == 2);
  CHECK(header.problems[0] ==
        "h.hpp:3: a marker inside the file's header comment (quote the comment as "
        "path#header-comment)");

  MarkerAudit unbalanced = audit_markers("int x;\n// #region a\n// #endregion b\n", "u.cpp");
  REQUIRE(unbalanced.problems.size() == 2);
  CHECK(unbalanced.problems[0] == "u.cpp:3: #endregion b does not close the innermost open block");
  CHECK(unbalanced.problems[1] == "u.cpp:2: #region a is never closed");
}
