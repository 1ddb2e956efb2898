#include "logcodes/calls.hpp"

#include "logcodes/formats/sip.hpp"
#include "logcodes/time.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace logcodes {

std::string_view count_level_name(CountLevel l) noexcept {
    switch (l) {
        case CountLevel::messages: return "messages";
        case CountLevel::transactions: return "transactions";
        case CountLevel::calls: return "calls";
    }
    return "transactions";
}

bool parse_count_level(std::string_view name, CountLevel& out) noexcept {
    for (auto l : {CountLevel::messages, CountLevel::transactions, CountLevel::calls}) {
        if (count_level_name(l) == name) {
            out = l;
            return true;
        }
    }
    return false;
}

namespace {
// A 64-bit hash, each field closed by its length. Words of 8 bytes at a time: a message's Call-ID, branch
// and tags are hashed for every response, so this is on the hot path of SIP traces.
// Words read as little-endian on every host, so the tail shift below picks the right bytes.
std::uint64_t little_endian(std::uint64_t w) noexcept {
    if constexpr (std::endian::native == std::endian::big) return __builtin_bswap64(w);
    return w;
}

struct FieldHash {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    void word(std::uint64_t w) noexcept {
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 32;
    }
    void add(std::string_view s) noexcept {
        std::size_t i = 0;
        for (; i + 8 <= s.size(); i += 8) {
            std::uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            word(little_endian(w));
        }
        std::uint64_t tail = 0;
        const std::size_t rest = s.size() - i;
        if (rest != 0 && s.size() >= 8) {
            // The last 8 bytes, shifted so only the unhashed ones remain: no variable-length copy call.
            std::memcpy(&tail, s.data() + s.size() - 8, 8);
            tail = little_endian(tail) >> (8 * (8 - rest));
        } else if (rest != 0) {
            std::memcpy(&tail, s.data() + i, rest);  // an empty view may have no data
            tail = little_endian(tail);
        }
        word(tail);
        word(s.size() | 0x1f00000000000000ULL);  // the length closes the field: ("ab","c") != ("a","bc")
    }
    void add(std::uint64_t v) noexcept {
        word(v);
        word(0x2f00000000000000ULL);
    }
    // MurmurHash3's finalizer: every input bit reaches the low bits used as the slot index.
    std::uint64_t final() const noexcept {
        std::uint64_t x = h;
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53ULL;
        x ^= x >> 33;
        return x;
    }
};

constexpr std::uint64_t kKeyBits = ~(std::uint64_t{1} << 63);
}  // namespace

std::uint64_t TransactionFilter::key(const Record& r) noexcept {
    const SipFields& s = r.sip;
    if (s.call_id.empty()) return 0;  // nothing identifies the transaction: every message counts
    FieldHash h;
    h.add(s.call_id);
    h.add(s.cseq);
    h.add(s.cseq_method);
    if (!s.branch.empty()) {
        h.add(s.branch);
        // Forked branches answer one client transaction with responses of their own (a 180 from each callee):
        // their To tags tell them apart; a retransmission repeats its tag.
        h.add(s.to_tag);
    } else {  // acc lines: no Via; the dialog tags tell transactions apart
        h.add(s.from_tag);
        h.add(s.to_tag);
    }
    h.add(r.status);
    const std::uint64_t key = h.final() & kKeyBits;
    return key == 0 ? 1 : key;  // 0 marks an empty slot
}

bool TransactionFilter::first(const Record& r) {
    const std::uint64_t k = key(r);
    if (k == 0) return true;
    // The time is read only when a generation starts or fills.
    return first_of(k, [&r] { return record_time(r.time_syntax, r.time, r.time2); });
}

bool TransactionFilter::first(std::uint64_t k, std::int64_t time) {
    if (k == 0) return true;
    return first_of(k, [time] { return time; });
}

template <class Time>
bool TransactionFilter::first_of(std::uint64_t key, Time&& time) {
    if (contains(key)) return false;
    if (in_current_ >= generation_) full_generation(time());
    if (in_current_ == 0) {
        const std::int64_t t = time();
        if (!sized_) {
            sized_ = true;
            if (t == kNoTime) generation_ = kNoTimeGeneration;
        }
        current_start_ = t;
    }
    insert(key | current_bit_);
    ++in_current_;
    return true;
}

// The current generation is full. When it spans less than the window (a busy trace) it grows and goes on;
// otherwise the previous generation is forgotten and the current one becomes it.
void TransactionFilter::full_generation(std::int64_t now) {
    if (current_start_ != kNoTime && now != kNoTime && now - current_start_ < kWindowSeconds &&
        generation_ < kMaxGeneration) {
        generation_ *= 2;
        return;
    }
    // Room for two generations at most half full: four slots per key of a generation.
    std::size_t want = slots_.size();
    while (want < 4 * generation_) want *= 2;
    rehash(want, true);
    current_bit_ ^= ~kKeyBits;
    in_current_ = 0;
}

bool TransactionFilter::contains(std::uint64_t key) const noexcept {
    if (slots_.empty()) return false;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(key) & mask;; i = (i + 1) & mask) {
        const std::uint64_t v = slots_[i];
        if (v == 0) return false;
        if ((v & kKeyBits) == key) return true;
    }
}

void TransactionFilter::insert(std::uint64_t key) {
    // The table grows with use, so a short trace touches little memory (first-touched pages are slow).
    if (2 * (used_ + 1) > slots_.size()) rehash(slots_.empty() ? 1024 : slots_.size() * 2, false);
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(key) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = key;
    ++used_;
}

// Moves the keys into a table of `slot_count` slots, leaving out the previous generation's when asked.
void TransactionFilter::rehash(std::size_t slot_count, bool drop_previous) {
    spare_.assign(slot_count, 0);
    spare_.swap(slots_);
    used_ = 0;
    const std::size_t mask = slot_count - 1;
    for (const std::uint64_t v : spare_) {
        if (v == 0 || (drop_previous && (v & ~kKeyBits) != current_bit_)) continue;
        std::size_t i = static_cast<std::size_t>(v & kKeyBits) & mask;
        while (slots_[i] != 0) i = (i + 1) & mask;
        slots_[i] = v;
        ++used_;
    }
}

std::string_view call_outcome(int code, bool cancelled, int q850) noexcept {
    if (code >= 200 && code < 300) return "answered";
    if (code == 487 || (cancelled && code >= 400)) return "cancelled";
    switch (q850) {  // the cause, when given, says what the code only suggests
        case 17: return "busy";
        case 18: case 19: return "no_answer";
        case 21: return "rejected";
        default: break;
    }
    switch (code) {
        case 486: case 600: return "busy";
        case 408: case 480: return "no_answer";
        case 403: case 603: case 606: case 607: case 608: return "rejected";
        default: return "failed";
    }
}

}  // namespace logcodes
