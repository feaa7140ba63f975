// Links corolab::redis from the installed package, and through it hiredis
// (found with pkg-config): a URL is parsed, and a connect task is made, which
// pulls in the code that calls hiredis. (Never run: no Redis is needed.)
#include <corolab/event_loop.hpp>
#include <corolab/redis/client.hpp>

int main() {
  corolab::EventLoop loop;
  const auto url = corolab::redis::Url::parse("redis://127.0.0.1:6379/1");
  corolab::Task<corolab::redis::Client> connecting = corolab::redis::Client::connect(url);
  return url.address() == "127.0.0.1:6379" && url.db == 1 ? 0 : 1;
}
