#pragma once
// What both libxml2 parsers of the crawler (links.cpp, sitemap.cpp) need:
// libxml2 set up once, and its error messages kept off stderr.

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

namespace corolab::crawler::detail {

// libxml2 wants xmlInitParser() called once before threads share it; a
// function-local static runs it exactly once, even when threads race here.
inline void init_libxml2() {
  static const bool initialised = [] {
    xmlInitParser();
    return true;
  }();
  (void)initialised;
}

// Bad input is normal for a crawler, so libxml2 must not complain about it.
// The parse options (NOERROR, NOWARNING) silence the errors a parser reports
// itself; the others (a failed character conversion, say) go to this
// thread's global handlers, which print to stderr. While a
// QuietLibxml2Errors lives, those handlers drop everything; the previous
// ones come back when it dies.
class QuietLibxml2Errors {
 public:
  QuietLibxml2Errors()
      : generic_(xmlGenericError),
        generic_context_(xmlGenericErrorContext),
        structured_(xmlStructuredError),
        structured_context_(xmlStructuredErrorContext) {
    xmlSetGenericErrorFunc(nullptr, &ignore_message);
    xmlSetStructuredErrorFunc(nullptr, &ignore_error);
  }
  ~QuietLibxml2Errors() {
    xmlSetGenericErrorFunc(generic_context_, generic_);
    xmlSetStructuredErrorFunc(structured_context_, structured_);
  }
  QuietLibxml2Errors(const QuietLibxml2Errors&) = delete;
  QuietLibxml2Errors& operator=(const QuietLibxml2Errors&) = delete;

 private:
  static void ignore_message(void*, const char*, ...) {}
  static void ignore_error(void*, xmlErrorPtr) {}

  xmlGenericErrorFunc generic_;
  void* generic_context_;
  xmlStructuredErrorFunc structured_;
  void* structured_context_;
};

}  // namespace corolab::crawler::detail
