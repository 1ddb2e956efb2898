#include "logcodes/calls.hpp"

#include "logcodes/formats/sip.hpp"

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
// Two independent 64-bit hashes, each field closed by its length. Words of 8 bytes at a time: a message's
// Call-ID, branch and tags are hashed for every response, so this is on the hot path of SIP traces.
// Words read as little-endian on every host, so the tail shift below picks the right bytes.
std::uint64_t little_endian(std::uint64_t w) noexcept {
    if constexpr (std::endian::native == std::endian::big) return __builtin_bswap64(w);
    return w;
}

struct Hash128 {
    std::uint64_t a = 0xcbf29ce484222325ULL, b = 0x9ae16a3b2f90404fULL;
    // The second lane takes the word's halves swapped and another multiplier: the two lanes do not collide
    // together for the same inputs, and each word costs two multiplies.
    void word(std::uint64_t w) noexcept {
        a = (a ^ w) * 0x9e3779b97f4a7c15ULL;
        a ^= a >> 29;
        b = (b ^ std::rotl(w, 32) ^ 0x5851f42d4c957f2dULL) * 0xff51afd7ed558ccdULL;
        b ^= b >> 31;
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
};
}  // namespace

namespace {
std::uint64_t mix_final(std::uint64_t x) noexcept {  // spreads the low bits used as the slot index
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}
}  // namespace

bool TransactionFilter::first(const Record& r) {
    const SipFields& s = r.sip;
    if (s.call_id.empty()) return true;  // nothing identifies the transaction: every message counts
    Hash128 h;
    h.add(s.call_id);
    h.add(s.cseq);
    h.add(s.cseq_method);
    if (!s.branch.empty()) {
        h.add(s.branch);
    } else {  // acc lines: no Via; the dialog tags tell transactions apart
        h.add(s.from_tag);
        h.add(s.to_tag);
    }
    h.add(r.status);
    return insert(Key{mix_final(h.a), mix_final(h.b)});
}

bool TransactionFilter::insert(const Key& k) {
    if (k == Key{}) {
        const bool was = zero_seen_;
        zero_seen_ = true;
        return !was;
    }
    if (2 * (used_ + 1) > slots_.size()) {
        std::vector<Key> old(slots_.empty() ? 1024 : slots_.size() * 2);
        old.swap(slots_);
        used_ = 0;
        for (const Key& o : old)
            if (!(o == Key{})) insert(o);
    }
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(k.a) & mask;; i = (i + 1) & mask) {
        if (slots_[i] == k) return false;
        if (slots_[i] == Key{}) {
            slots_[i] = k;
            ++used_;
            return true;
        }
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

void CallTable::take_final(CallState& c, std::uint16_t code, std::uint32_t cseq, std::string_view reason,
                           std::string_view reason_header) {
    const bool better = c.final_code == 0 ||                                          // the first one
                        (code / 100 == 2 && c.final_code / 100 != 2) ||                // a 2xx beats a failure
                        (cseq < c.final_cseq && (code / 100 == 2) == (c.final_code / 100 == 2));  // the initial INVITE
    if (!better) return;
    c.final_code = code;
    c.final_cseq = cseq;
    c.final_reason.assign(reason);
    c.reason_header.assign(reason_header);
}

void CallTable::add(const Record& r, std::int64_t time, std::uint32_t file_index) {
    const SipFields& s = r.sip;
    if (s.call_id.empty()) return;
    const bool invite = s.cseq_method == "INVITE";
    const bool cancel = s.cseq_method == "CANCEL";
    if (!invite && !cancel) return;  // calls are made of INVITE transactions (and CANCELs of them)
    auto [it, fresh] = calls_.try_emplace(std::string(s.call_id));
    CallState& c = it->second;
    if (fresh) c.file_index = file_index;
    if (time != INT64_MIN && (c.time == INT64_MIN || time < c.time)) c.time = time;
    if (r.kind == RecordKind::request) {
        if (cancel) c.cancelled = true;
        if (invite && s.to_tag.empty() && s.cseq < c.invite_cseq) c.invite_cseq = s.cseq;  // not a re-INVITE
        return;
    }
    if (!invite || r.status.size() != 3) return;
    const int code = (r.status[0] - '0') * 100 + (r.status[1] - '0') * 10 + (r.status[2] - '0');
    if (code < 200 || code > 699) return;
    if (c.invite_cseq != UINT32_MAX && s.cseq > c.invite_cseq) return;  // a re-INVITE's answer
    take_final(c, static_cast<std::uint16_t>(code), s.cseq, r.reason, s.reason_header);
}

void CallTable::merge(const CallTable& other) {
    for (const auto& [id, o] : other.calls_) {
        auto [it, fresh] = calls_.try_emplace(id, o);
        if (fresh) continue;
        CallState& c = it->second;
        c.cancelled = c.cancelled || o.cancelled;
        if (o.invite_cseq < c.invite_cseq) c.invite_cseq = o.invite_cseq;
        if (o.time != INT64_MIN && (c.time == INT64_MIN || o.time < c.time)) c.time = o.time;
        if (o.final_code != 0) take_final(c, o.final_code, o.final_cseq, o.final_reason, o.reason_header);
    }
}

}  // namespace logcodes
