// Transactions and calls: the two counting levels above single messages.
//
// Transactions: a response repeated by retransmission (same Call-ID, CSeq, top Via branch and code) counts
// once. Calls: one count per call attempt (call_table.hpp), for the final response to its last INVITE, with an
// outcome.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "logcodes/call_table.hpp"
#include "logcodes/record.hpp"

namespace logcodes {

enum class CountLevel : std::uint8_t { messages = 0, transactions, calls };
std::string_view count_level_name(CountLevel l) noexcept;
bool parse_count_level(std::string_view name, CountLevel& out) noexcept;

// Remembers the responses seen; true the first time a transaction's response is seen. Keys are 63-bit
// hashes of (Call-ID, CSeq, method, branch or dialog tags, code): no string per response.
//
// Retransmissions of a response come within 32 s of the first (RFC 3261 Timers H and J: 64*T1), so only a
// recent window is kept, in two generations: when the current one is full it becomes the previous one
// and the oldest is forgotten. Memory and cache use stay bounded however long the trace or the stream,
// and a false match needs a collision among at most 2^23 keys: under 2^-40 per response.
// A generation holds kMinGeneration keys (a table that stays in the CPU's cache). When the responses carry
// times, a full generation that spans less than kWindowSeconds of them (a busy trace) doubles and goes on,
// up to kMaxGeneration keys: the previous generation then always covers the window. Without times,
// generations hold kNoTimeGeneration keys.
class TransactionFilter {
public:
    static constexpr std::size_t kMinGeneration = std::size_t{1} << 12;
    static constexpr std::size_t kNoTimeGeneration = std::size_t{1} << 18;
    static constexpr std::size_t kMaxGeneration = std::size_t{1} << 22;
    static constexpr std::int64_t kWindowSeconds = 64;

    bool first(const Record& r);
    // The same, for a response read before: its key() and its time (record_time(), kNoTime when none).
    bool first(std::uint64_t key, std::int64_t time);
    // The key of a response's transaction; 0 when nothing identifies it (no Call-ID: every message counts).
    static std::uint64_t key(const Record& r) noexcept;
    void clear() { *this = TransactionFilter{}; }
    // Keys one generation may hold now.
    std::size_t generation_size() const noexcept { return generation_; }

private:
    // Both generations share one open-addressing table (linear probing, at most half full), so a lookup
    // is one probe sequence: a key's top bit says which generation it belongs to. 0 marks an empty slot.
    static constexpr std::uint64_t kGenerationBit = std::uint64_t{1} << 63;
    template <class Time>
    bool first_of(std::uint64_t key, Time&& time);
    bool contains(std::uint64_t key) const noexcept;
    void insert(std::uint64_t key);
    void rehash(std::size_t slot_count, bool drop_previous);
    void full_generation(std::int64_t now);

    std::vector<std::uint64_t> slots_, spare_;   // spare_: the last table, reused so rehashes fault no pages
    std::size_t used_ = 0;                        // keys of both generations
    std::size_t in_current_ = 0;                  // keys of the current generation
    std::uint64_t current_bit_ = 0;               // the top bit of the current generation's keys
    std::int64_t current_start_ = INT64_MIN;      // time of the current generation's first response
    std::size_t generation_ = kMinGeneration;
    bool sized_ = false;                          // generation_ chosen from whether responses carry times
};

// A response as one piece of a trace read it alone: its TransactionFilter::key() with the top bit set when the
// piece's own filter counted it, and its time. The pieces' logs, replayed in order through one filter, say
// which pieces answered as one reader of the whole trace would (Scanner). A piece that counts codes only leaves
// the answer to the replay: it logs the response's code (and whether it is unregistered) instead of counting it.
struct TransactionLogEntry {
    static constexpr std::uint64_t kCounted = std::uint64_t{1} << 63;
    std::uint64_t key_counted = 0;
    std::int64_t time = 0;
    std::uint16_t code = 0;     // not 0: left to the replay
    bool unregistered = false;
};

// answered, busy, no_answer, rejected, cancelled, failed (ITU-T E.411 vocabulary, RFC 3261 codes).
std::string_view call_outcome(int code, bool cancelled, int q850_cause) noexcept;

}  // namespace logcodes
