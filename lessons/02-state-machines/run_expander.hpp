#pragma once
// Lesson 02: a coroutine by hand, with a switch (Simon Tatham's trick, 2000).
//
// Run-length decoding: "3a2b" expands to "aaabb". As an ordinary function it
// is two nested loops that build a whole string. Here the same loops hand out
// one character per call to resume(), and pick up where they left off on the
// next call: a function that can pause. The switch jumps back *into* the
// loops (as Duff's device jumps into a loop), and everything the loops need
// across calls is a field, not a local: a local would be gone after return.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lesson02 {

// The ordinary loop: all the output at once.
inline std::string expand_runs(std::string_view encoded) {
  std::string expanded;
  for (std::size_t i = 0; i + 1 < encoded.size(); i += 2) {
    for (int k = 0; k < encoded[i] - '0'; ++k) expanded += encoded[i + 1];
  }
  return expanded;
}

// The same loops, one character per call.
class RunExpander {
 public:
  explicit RunExpander(std::string_view encoded) : encoded_(encoded) {}

  // The next character, or std::nullopt once the input is used up.
  std::optional<char> resume() {
    // #region expander_switch
    switch (resume_point_) {
      case 0:  // first call: start at the top
        for (i_ = 0; i_ + 1 < encoded_.size(); i_ += 2) {
          for (k_ = 0; k_ < encoded_[i_] - '0'; ++k_) {
            resume_point_ = 1;  // next call continues below the return
            return encoded_[i_ + 1];
            case 1:;  // ...here, inside both loops, with i_ and k_ intact
          }
        }
        resume_point_ = 2;
        return std::nullopt;
      case 2:  // finished: stay finished
        return std::nullopt;
    }
    // #endregion expander_switch
    return std::nullopt;
  }

 private:
  // The "locals" of the loops, hoisted into the object.
  std::string_view encoded_;
  std::size_t i_ = 0;
  int k_ = 0;
  int resume_point_ = 0;  // where the next call continues
};

}  // namespace lesson02
