#include "logcodes/calls.hpp"

#include "logcodes/formats/sip.hpp"

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
// Two independent 64-bit hashes (FNV-1a and a multiply-xorshift mix), each field closed by a separator.
struct Hash128 {
    std::uint64_t a = 0xcbf29ce484222325ULL, b = 0x9ae16a3b2f90404fULL;
    void add(std::string_view s) noexcept {
        for (unsigned char c : s) {
            a = (a ^ c) * 0x100000001b3ULL;
            b = (b + c) * 0xff51afd7ed558ccdULL;
            b ^= b >> 29;
        }
        a = (a ^ 0x1f) * 0x100000001b3ULL;
        b = (b ^ 0x1f) * 0xc4ceb9fe1a85ec53ULL;
    }
    void add(std::uint64_t v) noexcept {
        char buf[8];
        for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (8 * i));
        add(std::string_view(buf, 8));
    }
};
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
    return seen_.insert(Key{h.a, h.b}).second;
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
