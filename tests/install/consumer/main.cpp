// Uses the installed runtime for real: a coroutine run to completion.
#include <corolab/sync_wait.hpp>
#include <corolab/task.hpp>

corolab::Task<int> answer() { co_return 42; }

int main() { return corolab::sync_wait(answer()) == 42 ? 0 : 1; }
