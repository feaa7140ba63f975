#include "hiredis_protocol.hpp"

#include <hiredis/hiredis.h>

#include <new>
#include <stdexcept>

namespace corolab::redis::detail {

namespace {

// Copies hiredis's reply tree into a Reply; the caller frees the tree.
Reply copy_reply(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_INTEGER: return Reply::from_integer(reply.integer);
    case REDIS_REPLY_STRING: return Reply::string(std::string(reply.str, reply.len));
    case REDIS_REPLY_STATUS: return Reply::status(std::string(reply.str, reply.len));
    case REDIS_REPLY_ERROR: return Reply::error(std::string(reply.str, reply.len));
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) {
        elements.push_back(copy_reply(*reply.element[i]));
      }
      return Reply::array(std::move(elements));
    }
    default: return Reply::nil();  // REDIS_REPLY_NIL (RESP2 has no other type)
  }
}

struct FreeReply {
  void operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }
};

}  // namespace

void append_command(std::string& out, const std::vector<std::string>& args) {
  if (args.empty()) throw std::invalid_argument("redis: a command needs at least its name");
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* formatted = nullptr;
  const int length = redisFormatCommandArgv(&formatted, static_cast<int>(args.size()), argv.data(),
                                            lengths.data());
  if (length < 0) throw std::bad_alloc();  // its only failure
  out.append(formatted, static_cast<std::size_t>(length));
  redisFreeCommand(formatted);
}

void ReplyReader::Free::operator()(redisReader* reader) const noexcept { redisReaderFree(reader); }

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {
  if (!reader_) throw std::bad_alloc();
}

void ReplyReader::feed(std::span<const std::byte> bytes) {
  const auto* data = reinterpret_cast<const char*>(bytes.data());
  if (redisReaderFeed(reader_.get(), data, bytes.size()) != REDIS_OK) {
    throw ProtocolError(reader_->errstr);
  }
}

std::optional<Reply> ReplyReader::next() {
  void* raw = nullptr;
  if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) throw ProtocolError(reader_->errstr);
  if (raw == nullptr) return std::nullopt;  // not complete yet
  const std::unique_ptr<redisReply, FreeReply> reply(static_cast<redisReply*>(raw));
  return copy_reply(*reply);
}

}  // namespace corolab::redis::detail
