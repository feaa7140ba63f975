// The recycling frame allocator (corolab/detail/frame_allocator.hpp):
// freed frames are reused, the cache is bounded, frames freed on another
// thread are fine, and under AddressSanitizer nothing is recycled (so ASan
// still sees a use after free of a task frame).
#include "corolab/detail/frame_allocator.hpp"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "corolab/sync_wait.hpp"
#include "corolab/task.hpp"

namespace fa = corolab::detail::frame_allocator;

namespace {
corolab::Task<int> child(int value) { co_return value; }

corolab::Task<int> sum_of_children(int count) {
  int sum = 0;
  for (int i = 0; i < count; ++i) {
    const int value = co_await child(1);
    sum += value;
  }
  co_return sum;
}
}  // namespace

TEST_CASE("a freed frame is handed out again for a frame of the same size class") {
  void* first = fa::allocate(100);
  fa::deallocate(first, 100);
  void* second = fa::allocate(112);  // 100 and 112 round up to the same 112-byte class
#if COROLAB_FRAME_RECYCLING
  CHECK(second == first);
#else
  SUCCEED("recycling is off (AddressSanitizer or COROLAB_FRAME_ALLOCATOR=OFF)");
#endif
  fa::deallocate(second, 112);
}

TEST_CASE("the cache of a size class is bounded") {
  constexpr std::size_t size = 64;
  std::vector<void*> frames;
  for (std::size_t i = 0; i < 2 * fa::cache_bytes_per_class / size; ++i) {
    frames.push_back(fa::allocate(size));
  }
  for (void* frame : frames) fa::deallocate(frame, size);
  CHECK(fa::cache.count[fa::class_of(size)] * size <= fa::cache_bytes_per_class);
}

TEST_CASE("frames larger than the largest class bypass the cache") {
  void* big = fa::allocate(fa::largest_cached + 1);
  fa::deallocate(big, fa::largest_cached + 1);
  SUCCEED();
}

TEST_CASE("a frame freed on another thread joins that thread's cache, correctly") {
  std::vector<void*> frames;
  for (int i = 0; i < 1000; ++i) frames.push_back(fa::allocate(48));
  std::thread other([&frames] {
    for (void* frame : frames) fa::deallocate(frame, 48);
    // ...and that thread may hand them out again.
    std::vector<void*> again;
    for (int i = 0; i < 1000; ++i) again.push_back(fa::allocate(48));
    for (void* frame : again) fa::deallocate(frame, 48);
  });  // its cleanup frees its cache when it ends
  other.join();
  SUCCEED();
}

TEST_CASE("tasks through the allocator: results right, no frame leaked") {
  const std::ptrdiff_t before = corolab::task_frames_alive();
  CHECK(corolab::sync_wait(sum_of_children(100'000)) == 100'000);
  CHECK(corolab::task_frames_alive() == before);
}

TEST_CASE("under AddressSanitizer, frames are not recycled") {
#if defined(COROLAB_DETAIL_ASAN)
  CHECK(COROLAB_FRAME_RECYCLING == 0);
#else
  SUCCEED("not an AddressSanitizer build");
#endif
}
