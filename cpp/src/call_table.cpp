#include "logcodes/call_table.hpp"

#include "logcodes/formats/sip.hpp"

#include <algorithm>
#include <iterator>

namespace logcodes {

namespace {

// FNV-1a: tags are short random tokens; 64 bits keep collisions within one Call-ID out of reach.
std::uint64_t tag_hash(std::string_view tag) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : tag) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return h;
}

// Earlier of two times; a time the capture lacks never wins.
void keep_min(std::int64_t& into, std::int64_t t) noexcept {
    if (t != kNoMs && (into == kNoMs || t < into)) into = t;
}

// Later of two times; a time the capture lacks never wins.
void keep_max(std::int64_t& into, std::int64_t t) noexcept {
    if (t != kNoMs && (into == kNoMs || t > into)) into = t;
}

// For ordering: a missing time comes after every known one.
std::int64_t order_time(std::int64_t t) noexcept { return t == kNoMs ? INT64_MAX : t; }

bool is_auth_challenge(std::uint16_t code) noexcept { return code == 401 || code == 407; }

std::uint16_t three_digit_code(std::string_view s) noexcept {
    if (s.size() != 3) return 0;
    for (const char c : s)
        if (c < '0' || c > '9') return 0;
    return static_cast<std::uint16_t>((s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0'));
}

}  // namespace

std::string_view hangup_name(Hangup h) noexcept {
    switch (h) {
        case Hangup::caller: return "caller";
        case Hangup::callee: return "callee";
        case Hangup::none: break;
    }
    return {};
}

InviteTransaction& CallTable::invite(CallRecord& c, std::uint64_t from, std::uint32_t cseq) {
    for (auto& t : c.invites)
        if (t.from == from && t.cseq == cseq) return t;
    InviteTransaction& t = c.invites.emplace_back();
    t.from = from;
    t.cseq = cseq;
    return t;
}

ByeTransaction& CallTable::bye(CallRecord& c, std::uint64_t from, std::uint64_t to, std::uint32_t cseq) {
    for (auto& b : c.byes)
        if (b.from == from && b.to == to && b.cseq == cseq) return b;
    ByeTransaction& b = c.byes.emplace_back();
    b.from = from;
    b.to = to;
    b.cseq = cseq;
    return b;
}

RegisterTransaction& CallTable::reg(CallRecord& c, std::uint32_t cseq) {
    for (auto& t : c.registers)
        if (t.cseq == cseq) return t;
    RegisterTransaction& t = c.registers.emplace_back();
    t.cseq = cseq;
    return t;
}

// Several final responses for one INVITE come from forking (one per branch) or from retransmissions. A 2xx
// wins over any failure (RFC 3261 §13.2.2.4: the UAC keeps every 2xx; a proxy forwards the best response);
// among equals the earliest, then the lowest code, so the choice does not depend on reading order.
void CallTable::take_final(InviteTransaction& t, std::uint16_t code, std::int64_t ms, std::string_view reason,
                           std::string_view reason_header) {
    if (t.final_code != 0) {
        const bool ok = code / 100 == 2, had_ok = t.final_code / 100 == 2;
        if (ok != had_ok) {
            if (!ok) return;
        } else {
            const auto mine = std::make_pair(order_time(ms), code);
            const auto kept = std::make_pair(order_time(t.final_ms), t.final_code);
            if (!(mine < kept)) return;
        }
    }
    t.final_code = code;
    t.final_ms = ms;
    t.reason.assign(reason);
    t.reason_header.assign(reason_header);
}

void CallTable::add(const Record& r, std::int64_t time_ms, std::uint32_t file_index) {
    const SipFields& s = r.sip;
    keep_max(latest_ms_, time_ms);  // every message moves the clock, OPTIONS keep-alives too
    if (s.call_id.empty()) return;
    const std::string_view method = s.cseq_method;
    const bool invite_m = method == "INVITE", cancel_m = method == "CANCEL", bye_m = method == "BYE",
               register_m = method == "REGISTER";
    if (!invite_m && !bye_m && !register_m && !(cancel_m && r.kind == RecordKind::request)) return;
    std::uint16_t code = 0;
    if (r.kind == RecordKind::response) {
        code = three_digit_code(r.status);
        if (code < 100 || code > 699) return;  // not a status: the processor counts it as invalid
    }
    auto it = calls_.find(s.call_id);
    if (it == calls_.end()) it = calls_.emplace(std::string(s.call_id), CallRecord{}).first;
    CallRecord& c = it->second;
    keep_min(c.first_ms, time_ms);
    keep_max(c.last_ms, time_ms);
    c.file_index = std::min(c.file_index, file_index);
    const bool request = r.kind == RecordKind::request;
    // An acc line stands for a whole transaction: its request was sent even though only the reply is logged.
    const bool request_known = request || s.whole_transaction;
    if (register_m) {
        RegisterTransaction& t = reg(c, s.cseq);
        if (request_known) t.request_seen = true;
        if (request) keep_min(t.request_ms, time_ms);
        if (request && s.credentials) t.credentials = true;
        if (is_auth_challenge(code) && s.stale) t.stale = true;
        if (code >= 200 && t.final_code == 0) {  // REGISTER is not forked: the first final response counts
            t.final_code = code;
            t.final_ms = time_ms;
        } else if (code >= 200 && t.final_code == code) {
            keep_min(t.final_ms, time_ms);
        }
        return;
    }
    if (bye_m) {
        ByeTransaction& b = bye(c, tag_hash(s.from_tag), tag_hash(s.to_tag), s.cseq);
        if (request) keep_min(b.request_ms, time_ms);
        if (code >= 200 && (b.final_code == 0 || (code / 100 == 2 && b.final_code / 100 != 2))) {
            b.final_code = code;
            b.final_ms = time_ms;
        } else if (code >= 200 && code == b.final_code) {
            keep_min(b.final_ms, time_ms);
        }
        return;
    }
    if (invite_m && r.extra_count > 0 && ((request && s.to_tag.empty()) || s.whole_transaction)) note_parties(c, r);
    InviteTransaction& t = invite(c, tag_hash(s.from_tag), s.cseq);
    if (cancel_m) {  // a CANCEL carries the CSeq number of the INVITE it cancels (RFC 3261 §9.1)
        t.cancelled = true;
        return;
    }
    if (request_known) t.request_seen = true;
    if (request) {
        keep_min(t.request_ms, time_ms);
        if (!s.to_tag.empty()) t.in_dialog = true;
        return;
    }
    if (code >= 180 && code <= 189) keep_min(t.ringing_ms, time_ms);
    if (code >= 200) take_final(t, code, time_ms, r.reason, s.reason_header);
}

namespace {

std::string address(std::string_view user, std::string_view host) {
    if (user.empty()) return std::string(host);
    return host.empty() ? std::string(user) : std::string(user) + "@" + std::string(host);
}

void keep_party(std::string& into, const std::string& value) {
    if (!value.empty() && (into.empty() || value < into)) into = value;
}

}  // namespace

void CallTable::note_parties(CallRecord& c, const Record& r) {
    const SipAddressFields& f = sip_address_fields();
    keep_party(c.caller, address(r.extra(f.from_user), r.extra(f.from_host)));
    keep_party(c.callee, address(r.extra(f.to_user), r.extra(f.to_host)));
}

void CallTable::merge_invite(InviteTransaction& into, const InviteTransaction& o) {
    into.request_seen = into.request_seen || o.request_seen;
    into.in_dialog = into.in_dialog || o.in_dialog;
    into.cancelled = into.cancelled || o.cancelled;
    keep_min(into.request_ms, o.request_ms);
    keep_min(into.ringing_ms, o.ringing_ms);
    if (o.final_code != 0) take_final(into, o.final_code, o.final_ms, o.reason, o.reason_header);
}

void CallTable::merge(const CallTable& other) {
    keep_max(latest_ms_, other.latest_ms_);
    for (const auto& [id, o] : other.calls_) {
        auto [it, fresh] = calls_.try_emplace(id, o);
        if (fresh) continue;
        CallRecord& c = it->second;
        keep_min(c.first_ms, o.first_ms);
        keep_max(c.last_ms, o.last_ms);
        c.file_index = std::min(c.file_index, o.file_index);
        keep_party(c.caller, o.caller);
        keep_party(c.callee, o.callee);
        for (const auto& t : o.invites) merge_invite(invite(c, t.from, t.cseq), t);
        for (const auto& ob : o.byes) {
            ByeTransaction& b = bye(c, ob.from, ob.to, ob.cseq);
            keep_min(b.request_ms, ob.request_ms);
            if (ob.final_code == 0) continue;
            const bool better = b.final_code == 0 || (ob.final_code / 100 == 2 && b.final_code / 100 != 2);
            if (better) {
                b.final_code = ob.final_code;
                b.final_ms = ob.final_ms;
            } else if (ob.final_code == b.final_code) {
                keep_min(b.final_ms, ob.final_ms);
            }
        }
        for (const auto& ot : o.registers) {
            RegisterTransaction& t = reg(c, ot.cseq);
            t.request_seen = t.request_seen || ot.request_seen;
            t.credentials = t.credentials || ot.credentials;
            t.stale = t.stale || ot.stale;
            keep_min(t.request_ms, ot.request_ms);
            if (ot.final_code == 0) continue;
            // Two different first final responses for one REGISTER cannot both be first: the lower code is
            // kept so that the answer does not depend on which table came first.
            if (t.final_code == 0 || ot.final_code < t.final_code) {
                t.final_code = ot.final_code;
                t.final_ms = ot.final_ms;
            } else if (ot.final_code == t.final_code) {
                keep_min(t.final_ms, ot.final_ms);
            }
        }
    }
}

std::vector<CallResult> CallTable::finish_calls(const CallRecord& c, bool& without_invite) {
    std::vector<const InviteTransaction*> order;
    order.reserve(c.invites.size());
    for (const auto& t : c.invites) order.push_back(&t);
    std::sort(order.begin(), order.end(), [](const InviteTransaction* a, const InviteTransaction* b) {
        return a->from != b->from ? a->from < b->from : a->cseq < b->cseq;
    });
    std::vector<CallResult> out;
    for (std::size_t i = 0; i < order.size();) {
        const std::uint64_t from = order[i]->from;
        CallResult res;
        res.from = from;
        const InviteTransaction* last = nullptr;
        bool answered = false, any_request = false;
        for (; i < order.size() && order[i]->from == from; ++i) {
            const InviteTransaction& t = *order[i];
            // A re-INVITE (its request had a To-tag) never starts nor changes the call; after a 2xx only
            // re-INVITEs come, even those whose request the capture missed.
            if (t.in_dialog || answered) continue;
            any_request = any_request || t.request_seen;
            if (res.attempts == 0) res.invite_ms = t.request_ms;
            if (res.attempts < UINT16_MAX) ++res.attempts;
            if (is_auth_challenge(t.final_code) && res.auth_rounds < UINT16_MAX) ++res.auth_rounds;
            last = &t;
            answered = t.final_code / 100 == 2;
        }
        if (last == nullptr || !any_request) continue;  // only re-INVITEs, or no INVITE read: not a call here
        res.final_code = last->final_code;
        res.cancelled = last->cancelled;
        res.ringing_ms = last->ringing_ms;
        res.final_ms = last->final_ms;
        res.reason = last->reason;
        res.reason_header = last->reason_header;
        if (answered) {
            // The BYE that ended the dialog: from the caller it carries the call's From-tag as its From-tag,
            // from the callee as its To-tag (RFC 3261 §12.2.1.1). The earliest one counts.
            const ByeTransaction* end = nullptr;
            for (const auto& b : c.byes) {
                if (b.from != from && b.to != from) continue;
                const auto key = [](const ByeTransaction& x) {
                    return std::make_tuple(order_time(x.request_ms), order_time(x.final_ms), x.cseq, x.from, x.to);
                };
                if (end == nullptr || key(b) < key(*end)) end = &b;
            }
            if (end != nullptr) {
                res.hangup = end->from == from ? Hangup::caller : Hangup::callee;
                res.bye_ms = end->request_ms;
                res.bye_final_ms = end->final_ms;
                res.bye_answered = end->final_code / 100 == 2;
                res.bye_code = end->final_code;
            }
        }
        out.push_back(res);
    }
    without_invite = out.empty() && (!c.invites.empty() || !c.byes.empty());
    return out;
}

std::vector<RegistrationResult> CallTable::finish_registrations(const CallRecord& c, bool& without_request) {
    without_request = false;
    std::vector<const RegisterTransaction*> order;
    order.reserve(c.registers.size());
    for (const auto& t : c.registers) order.push_back(&t);
    std::sort(order.begin(), order.end(),
              [](const RegisterTransaction* a, const RegisterTransaction* b) { return a->cseq < b->cseq; });
    std::vector<RegistrationResult> out;
    RegistrationResult cur;
    bool open = false, has_request = false;
    const auto close = [&] {
        open = false;
        if (has_request) out.push_back(cur);
        else without_request = true;
    };
    for (const RegisterTransaction* t : order) {
        if (!open) {
            cur = RegistrationResult{};
            cur.request_ms = t->request_ms;
            has_request = false;
            open = true;
        }
        has_request = has_request || t->request_seen;
        // A REGISTER whose answer the capture lacks: the next REGISTER goes on with the registration.
        if (t->final_code == 0) continue;
        cur.final_code = t->final_code;
        cur.final_ms = t->final_ms;
        if (is_auth_challenge(t->final_code)) {
            if (cur.auth_rounds < UINT16_MAX) ++cur.auth_rounds;
            // A challenge to a REGISTER without credentials (or only to a stale nonce) is answered by the
            // next REGISTER; to fresh credentials it refuses them (RFC 3261 §22.2, RFC 2617 §3.2.1).
            if (!t->credentials || t->stale) continue;
        }
        close();
    }
    // A challenge no REGISTER answered ends the registration as failed, as a challenged INVITE that is not
    // re-sent ends its call; a REGISTER still waiting for its answer is left out.
    if (open && order.back()->final_code != 0) close();
    return out;
}

bool CallTable::ended(const CallRecord& c) {
    for (const auto& t : c.registers)
        if (t.final_code == 0) return false;
    bool without_invite = false;
    for (const CallResult& call : finish_calls(c, without_invite)) {
        if (call.final_code == 0) return false;                          // still ringing
        if (call.final_code / 100 == 2 && call.bye_code == 0) return false;  // in conversation
    }
    return true;
}

CallTable CallTable::take_ended(std::int64_t linger_ms, std::int64_t timeout_ms, std::int64_t idle_ms) {
    CallTable out;
    out.latest_ms_ = latest_ms_;
    if (latest_ms_ == kNoMs) return out;
    const std::int64_t clock = latest_ms_ + std::clamp<std::int64_t>(idle_ms, 0, timeout_ms);
    for (auto it = calls_.begin(); it != calls_.end();) {
        const CallRecord& c = it->second;
        const bool quiet = c.last_ms != kNoMs && clock - c.last_ms >= linger_ms;
        if (quiet && (clock - c.last_ms >= timeout_ms || ended(c))) {
            auto next = std::next(it);
            out.calls_.insert(calls_.extract(it));
            it = next;
        } else {
            ++it;
        }
    }
    return out;
}

}  // namespace logcodes
