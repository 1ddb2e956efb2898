// Calls and registrations by RFC 3261 dialog rules, gathered from SIP messages in any order.
//
// A call attempt is a Call-ID and a From-tag (RFC 3261 §12: the caller's half of the dialog id). Its INVITE
// transactions are told apart by CSeq: the INVITEs re-sent after a 401/407 (§8.1.3.5, §22.2) or a 3xx
// (§8.1.3.4) keep the Call-ID and From-tag with a new CSeq and no To-tag, so they continue the attempt;
// an INVITE with a To-tag is a re-INVITE inside the dialog (§14) and never a new attempt. Forked branches of
// one INVITE share its CSeq: they are one transaction whose best final response (a 2xx first) counts.
//
// The table keeps, per transaction, only numbers and the kept final response's reason phrase and Reason
// header: no whole messages. Everything is decided once the whole input is read (finish_call,
// finish_registrations), so tables built from any split of the input merge to the same answer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "logcodes/record.hpp"

namespace logcodes {

inline constexpr std::int64_t kNoMs = INT64_MIN;  // a time the capture did not show

// One INVITE transaction (one CSeq of one From-tag), as far as the capture shows it.
struct InviteTransaction {
    std::uint64_t from = 0;                // hash of the From-tag
    std::uint32_t cseq = 0;
    std::uint16_t final_code = 0;          // 0: no final response seen
    bool request_seen = false;             // the INVITE itself (or an acc line standing for it) was read
    bool in_dialog = false;                // the INVITE carried a To-tag: a re-INVITE
    bool cancelled = false;                // a CANCEL of this transaction was read
    std::int64_t request_ms = kNoMs;       // first copy of the INVITE
    std::int64_t ringing_ms = kNoMs;       // first 18x (not 199: that one says a branch ended)
    std::int64_t final_ms = kNoMs;         // the kept final response
    std::string reason;                    // the kept final response's reason phrase
    std::string reason_header;             // ... and its Reason header (Q.850 cause)
};

// A BYE (one CSeq of one sender), matched to its call when the call is finished.
struct ByeTransaction {
    std::uint64_t from = 0, to = 0;        // hashes of the BYE's From- and To-tags
    std::uint32_t cseq = 0;
    std::uint16_t final_code = 0;
    std::int64_t request_ms = kNoMs;
    std::int64_t final_ms = kNoMs;
};

// One REGISTER transaction (RFC 3261 §10.2: a UA keeps its Call-ID and raises CSeq for each REGISTER).
struct RegisterTransaction {
    std::uint32_t cseq = 0;
    std::uint16_t final_code = 0;
    bool request_seen = false;
    bool credentials = false;              // the REGISTER carried credentials (RFC 3261 §22.2)
    bool stale = false;                    // its 401/407 said stale=true: the credentials were right
    std::int64_t request_ms = kNoMs;
    std::int64_t final_ms = kNoMs;
};

// What one Call-ID holds.
struct CallRecord {
    std::vector<InviteTransaction> invites;
    std::vector<ByeTransaction> byes;
    std::vector<RegisterTransaction> registers;
    std::int64_t first_ms = kNoMs;         // earliest message (a call's time when its INVITE has none)
    std::int64_t last_ms = kNoMs;          // latest message: how long the Call-ID has been quiet
    std::uint32_t file_index = UINT32_MAX; // lowest input index it was seen in
    // Who called whom: From's and To's user@host of an initial INVITE (no To-tag) or of an acc line, when
    // the records carry them (Record::named_fields); the smallest seen, so that any split agrees.
    std::string caller, callee;
};

enum class Hangup : std::uint8_t { none = 0, caller, callee };
std::string_view hangup_name(Hangup h) noexcept;  // "", "caller", "callee"

// One call attempt, finished: what it became and how long each step took (milliseconds; kNoMs when the
// capture lacks a message).
struct CallResult {
    std::uint64_t from = 0;                // hash of the attempt's From-tag (InviteTransaction::from)
    std::uint16_t final_code = 0;          // 0: the last INVITE got no final response in the capture
    bool cancelled = false;
    std::uint16_t attempts = 0;            // INVITE transactions of the attempt (re-INVITEs excluded)
    std::uint16_t auth_rounds = 0;         // of them answered 401/407
    Hangup hangup = Hangup::none;          // who sent the BYE of an answered call
    bool bye_answered = false;             // the BYE got a 2xx (RFC 6076 §4.9 completion)
    std::uint16_t bye_code = 0;            // the BYE's final response (0: none seen yet)
    std::int64_t invite_ms = kNoMs;        // the attempt's first INVITE
    std::int64_t ringing_ms = kNoMs;       // first 18x of the last INVITE
    std::int64_t final_ms = kNoMs;         // its final response
    std::int64_t bye_ms = kNoMs;           // the BYE that ended an answered call
    std::int64_t bye_final_ms = kNoMs;     // its final response
    std::string_view reason, reason_header;  // of the final response (views into the table)
};

// A registration: the REGISTERs from the first to the one whose final response was not a 401/407 answering
// a REGISTER without credentials (a challenge to credentials that are not stale refuses them: RFC 3261 §22.2).
struct RegistrationResult {
    std::uint16_t final_code = 0;
    std::uint16_t auth_rounds = 0;
    std::int64_t request_ms = kNoMs;       // the first REGISTER
    std::int64_t final_ms = kNoMs;
};

class CallTable {
public:
    // Looked up by the record's Call-ID view: no string is made for a call already in the table.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using Map = std::unordered_map<std::string, CallRecord, Hash, std::equal_to<>>;

    // Reads one SIP request or response (`time_ms`: its time, or kNoMs). Other methods are ignored.
    void add(const Record& r, std::int64_t time_ms, std::uint32_t file_index);
    // Adds another table: calls spread over files or threads. Associative and commutative.
    void merge(const CallTable& other);
    const Map& calls() const noexcept { return calls_; }
    std::size_t size() const noexcept { return calls_.size(); }
    // The latest message time read (kNoMs when no message had a time): the clock of take_ended().
    std::int64_t latest_ms() const noexcept { return latest_ms_; }

    // For a stream counted window by window: moves out the Call-IDs that have ended — every call attempt
    // has its final response and, when answered, its BYE has one; no REGISTER waits for its answer — and
    // have been quiet for `linger_ms` of message time (so that retransmissions still find them), or that
    // have been quiet for `timeout_ms` whatever their state. Call-IDs whose messages carry no time stay
    // until the end of the input. `idle_ms` moves the clock on past the latest message time: how long a live
    // source has been silent, so that its calls still go quiet when its traffic stops (the senders' clocks
    // are never compared with ours).
    CallTable take_ended(std::int64_t linger_ms, std::int64_t timeout_ms, std::int64_t idle_ms = 0);
    // Whether every call attempt and registration of `c` has ended (see take_ended()).
    static bool ended(const CallRecord& c);

    // The call attempts of one Call-ID, in From-tag order. Attempts without any INVITE request read are
    // not calls: `without_invite` tells whether the Call-ID has INVITE responses or BYEs but no such request.
    static std::vector<CallResult> finish_calls(const CallRecord& c, bool& without_invite);
    // The registrations of one Call-ID, in CSeq order; `without_request`: REGISTER responses whose
    // registration has no REGISTER read. A registration still waiting for its final response is left out.
    static std::vector<RegistrationResult> finish_registrations(const CallRecord& c, bool& without_request);

private:
    static void note_parties(CallRecord& c, const Record& r);
    static InviteTransaction& invite(CallRecord& c, std::uint64_t from, std::uint32_t cseq);
    static ByeTransaction& bye(CallRecord& c, std::uint64_t from, std::uint64_t to, std::uint32_t cseq);
    static RegisterTransaction& reg(CallRecord& c, std::uint32_t cseq);
    static void take_final(InviteTransaction& t, std::uint16_t code, std::int64_t ms, std::string_view reason,
                           std::string_view reason_header);
    static void merge_invite(InviteTransaction& into, const InviteTransaction& o);
    Map calls_;
    std::int64_t latest_ms_ = kNoMs;
};

}  // namespace logcodes
