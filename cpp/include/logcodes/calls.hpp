// Transactions and calls: the two counting levels above single messages.
//
// Transactions: a response repeated by retransmission (same Call-ID, CSeq, top Via branch and code) counts
// once. Calls: one count per Call-ID, for the final response to its initial INVITE, with an outcome.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "logcodes/record.hpp"

namespace logcodes {

enum class CountLevel : std::uint8_t { messages = 0, transactions, calls };
std::string_view count_level_name(CountLevel l) noexcept;
bool parse_count_level(std::string_view name, CountLevel& out) noexcept;

// Remembers the responses seen; true the first time a transaction's response is seen. Keys are 128-bit
// hashes of (Call-ID, CSeq, method, branch or dialog tags, code): no string per response, and a false
// match needs a 2^-128-scale collision.
class TransactionFilter {
public:
    bool first(const Record& r);
    void clear() {
        slots_.clear();
        used_ = 0;
        zero_seen_ = false;
    }

private:
    struct Key {
        std::uint64_t a = 0, b = 0;
        bool operator==(const Key&) const = default;
    };
    // An open-addressing set (linear probing, at most half full): no allocation per response. The
    // all-zero key marks an empty slot; a real all-zero key is remembered apart.
    bool insert(const Key& k);
    std::vector<Key> slots_;
    std::size_t used_ = 0;
    bool zero_seen_ = false;
};

// answered, busy, no_answer, rejected, cancelled, failed (ITU-T E.411 vocabulary, RFC 3261 codes).
std::string_view call_outcome(int code, bool cancelled, int q850_cause) noexcept;

struct CallState {
    std::uint32_t invite_cseq = UINT32_MAX;   // the initial INVITE's CSeq (UINT32_MAX: request not seen)
    std::uint32_t final_cseq = UINT32_MAX;    // CSeq of the response kept as final
    std::uint16_t final_code = 0;             // 0: no final response seen
    bool cancelled = false;
    std::int64_t time = INT64_MIN;            // first message of the call
    std::string final_reason;
    std::string reason_header;
    std::uint32_t file_index = 0;
};

class CallTable {
public:
    void add(const Record& r, std::int64_t time, std::uint32_t file_index);
    // Adds another table (calls spread over files or threads); keeps each call's best final response.
    void merge(const CallTable& other);
    const std::unordered_map<std::string, CallState>& calls() const noexcept { return calls_; }
    std::size_t size() const noexcept { return calls_.size(); }

private:
    static void take_final(CallState& c, std::uint16_t code, std::uint32_t cseq, std::string_view reason,
                           std::string_view reason_header);
    std::unordered_map<std::string, CallState> calls_;
};

}  // namespace logcodes
