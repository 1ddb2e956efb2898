// The call table: call attempts by RFC 3261 dialog rules (call_table.hpp), their figures (call_metrics.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "logcodes/call_metrics.hpp"
#include "logcodes/call_table.hpp"
#include "logcodes/calls.hpp"
#include "logcodes/formats/sip.hpp"

namespace {

using namespace logcodes;

// One SIP message of a call, as the parsers hand it over: a request (`status` empty) or a response.
struct Msg {
    std::string method;   // request method, or the CSeq method of a response
    std::uint32_t cseq = 1;
    std::string status;   // "" for a request
    std::string from_tag = "caller", to_tag;
    std::int64_t ms = kNoMs;
    std::string reason_header;
    std::string call_id = "call-1";
    bool credentials = false, stale = false;
};

Msg req(std::string method, std::uint32_t cseq, std::int64_t ms, std::string to_tag = "") {
    Msg m;
    m.method = std::move(method);
    m.cseq = cseq;
    m.ms = ms;
    m.to_tag = std::move(to_tag);
    return m;
}

Msg resp(std::string code, std::string method, std::uint32_t cseq, std::int64_t ms, std::string to_tag = "callee") {
    Msg m = req(std::move(method), cseq, ms, std::move(to_tag));
    m.status = std::move(code);
    return m;
}

// A BYE or its answer from the callee: the dialog's tags swap places.
Msg from_callee(Msg m) {
    std::swap(m.from_tag, m.to_tag);
    return m;
}

void feed(CallTable& t, const Msg& m) {
    Record r;
    r.protocol = Protocol::sip;
    r.kind = m.status.empty() ? RecordKind::request : RecordKind::response;
    r.status = m.status;
    r.method = m.method;
    r.sip.call_id = m.call_id;
    r.sip.cseq = m.cseq;
    r.sip.cseq_method = m.method;
    r.sip.from_tag = m.from_tag;
    r.sip.to_tag = m.to_tag;
    r.sip.reason_header = m.reason_header;
    r.sip.credentials = m.credentials;
    r.sip.stale = m.stale;
    t.add(r, m.ms, 0);
}

CallTable table(const std::vector<Msg>& msgs) {
    CallTable t;
    for (const auto& m : msgs) feed(t, m);
    return t;
}

std::vector<CallResult> finish(const CallTable& t, bool* without = nullptr) {
    std::vector<CallResult> out;
    bool any_without = false;
    for (const auto& [id, rec] : t.calls()) {
        bool w = false;
        for (auto& r : CallTable::finish_calls(rec, w)) out.push_back(r);
        any_without = any_without || w;
    }
    if (without) *without = any_without;
    return out;
}

CallResult only_call(const std::vector<Msg>& msgs) {
    const auto calls = finish(table(msgs));
    EXPECT_EQ(calls.size(), 1u);
    return calls.empty() ? CallResult{} : calls[0];
}

std::int64_t figure(const CallFigures& f, CallFigure k) { return f[static_cast<std::size_t>(k)]; }

// INVITE -> 407 -> ACK -> INVITE (CSeq+1, credentials) -> 100/180/200 -> ACK ... BYE -> 200.
std::vector<Msg> answered_after_407() {
    return {req("INVITE", 1, 1000),          resp("407", "INVITE", 1, 1020),  req("ACK", 1, 1021),
            req("INVITE", 2, 1100),          resp("100", "INVITE", 2, 1110, ""), resp("180", "INVITE", 2, 1400),
            resp("200", "INVITE", 2, 3000),  req("ACK", 2, 3010, "callee"), req("BYE", 3, 63000, "callee"),
            resp("200", "BYE", 3, 63050)};
}

TEST(CallTable, AnsweredAfterProxyAuthentication) {
    const CallResult c = only_call(answered_after_407());
    EXPECT_EQ(c.final_code, 200);
    EXPECT_EQ(c.attempts, 2);
    EXPECT_EQ(c.auth_rounds, 1);
    EXPECT_EQ(c.hangup, Hangup::caller);
    EXPECT_EQ(c.invite_ms, 1000);   // the attempt's first INVITE
    EXPECT_EQ(c.ringing_ms, 1400);
    EXPECT_EQ(c.final_ms, 3000);
    EXPECT_EQ(c.bye_ms, 63000);
    EXPECT_TRUE(c.bye_answered);
    EXPECT_EQ(call_outcome(c.final_code, c.cancelled, 0), "answered");
    const CallFigures f = call_figures(c, "answered");
    EXPECT_EQ(figure(f, CallFigure::srd_ms), 400);     // first INVITE -> 180
    EXPECT_EQ(figure(f, CallFigure::setup_ms), 2000);  // first INVITE -> 200
    EXPECT_EQ(figure(f, CallFigure::pdd_ms), 400);
    EXPECT_EQ(figure(f, CallFigure::sdt_ms), 60000);   // 200 -> BYE
    EXPECT_EQ(figure(f, CallFigure::sdd_ms), 50);      // BYE -> its 200
    EXPECT_EQ(figure(f, CallFigure::completed), 1);
    EXPECT_EQ(figure(f, CallFigure::invites), 2);
    EXPECT_EQ(figure(f, CallFigure::auth_rounds), 1);
    EXPECT_EQ(figure(f, CallFigure::srd_failed_n), 0);
}

class RejectedAfter401 : public ::testing::TestWithParam<const char*> {};

TEST_P(RejectedAfter401, TheRetriedInvitesAnswerCounts) {
    const std::string code = GetParam();
    const CallResult c = only_call({req("INVITE", 10, 0), resp("401", "INVITE", 10, 10), req("ACK", 10, 11),
                                    req("INVITE", 11, 50), resp("100", "INVITE", 11, 60, ""),
                                    resp(code, "INVITE", 11, 250), req("ACK", 11, 260)});
    EXPECT_EQ(std::to_string(c.final_code), code);
    EXPECT_EQ(c.attempts, 2);
    EXPECT_EQ(c.auth_rounds, 1);
    EXPECT_EQ(c.hangup, Hangup::none);
    const CallFigures f = call_figures(c, call_outcome(c.final_code, c.cancelled, 0));
    EXPECT_EQ(figure(f, CallFigure::srd_failed_ms), 250);
    EXPECT_EQ(figure(f, CallFigure::srd_n), 0);
    EXPECT_EQ(figure(f, CallFigure::effective), code == "486" ? 1 : 0);  // RFC 6076 §4.7 lists 486, not 404/488
}

INSTANTIATE_TEST_SUITE_P(Codes, RejectedAfter401, ::testing::Values("404", "486", "488"));

TEST(CallTable, ChallengeNotAnsweredEndsTheCall) {
    const CallResult c = only_call({req("INVITE", 1, 0), resp("407", "INVITE", 1, 10), req("ACK", 1, 11)});
    EXPECT_EQ(c.final_code, 407);
    EXPECT_EQ(c.attempts, 1);
    EXPECT_EQ(c.auth_rounds, 1);
}

TEST(CallTable, ForkedInviteIsOneAnsweredCall) {
    // One INVITE forked to two phones: both ring (two early dialogs), one branch ends with 199, one answers,
    // the other is cancelled by the proxy and answers 487.
    const CallResult c = only_call({req("INVITE", 1, 0), resp("100", "INVITE", 1, 5, ""),
                                    resp("180", "INVITE", 1, 300, "phone-b"), resp("180", "INVITE", 1, 200, "phone-a"),
                                    resp("199", "INVITE", 1, 150, "phone-b"), resp("200", "INVITE", 1, 900, "phone-a"),
                                    resp("487", "INVITE", 1, 950, "phone-b"), req("ACK", 1, 960, "phone-a"),
                                    from_callee(req("BYE", 7, 5000, "phone-a")),
                                    from_callee(resp("200", "BYE", 7, 5020, "phone-a"))});
    EXPECT_EQ(c.final_code, 200);
    EXPECT_EQ(c.attempts, 1);
    EXPECT_EQ(c.ringing_ms, 200);  // the first 18x of any branch; 199 is not ringing
    EXPECT_EQ(c.hangup, Hangup::callee);
    EXPECT_EQ(c.bye_ms, 5000);
    // The same messages in another order give the same call.
    const CallResult d = only_call({resp("487", "INVITE", 1, 950, "phone-b"), req("INVITE", 1, 0),
                                    resp("200", "INVITE", 1, 900, "phone-a"), resp("180", "INVITE", 1, 300, "phone-b"),
                                    resp("180", "INVITE", 1, 200, "phone-a")});
    EXPECT_EQ(d.final_code, 200);
    EXPECT_EQ(d.ringing_ms, 200);
}

TEST(CallTable, RedirectThenNewInviteContinuesTheAttempt) {
    // RFC 3261 §8.1.3.4: the new request keeps Call-ID, From-tag, and takes a new CSeq.
    const CallResult c = only_call({req("INVITE", 1, 0), resp("302", "INVITE", 1, 40), req("ACK", 1, 41),
                                    req("INVITE", 2, 100), resp("180", "INVITE", 2, 500),
                                    resp("200", "INVITE", 2, 700)});
    EXPECT_EQ(c.final_code, 200);
    EXPECT_EQ(c.attempts, 2);
    EXPECT_EQ(c.auth_rounds, 0);
    EXPECT_EQ(c.invite_ms, 0);
    // A redirect that is not followed ends the attempt with the 3xx: left out of SER's denominator.
    const CallResult r = only_call({req("INVITE", 1, 0), resp("302", "INVITE", 1, 40), req("ACK", 1, 41)});
    EXPECT_EQ(r.final_code, 302);
    EXPECT_EQ(figure(call_figures(r, "failed"), CallFigure::redirected), 1);
}

TEST(CallTable, CancelledCall) {
    const CallResult c = only_call({req("INVITE", 1, 0), resp("180", "INVITE", 1, 100), req("CANCEL", 1, 4000),
                                    resp("200", "CANCEL", 1, 4010), resp("487", "INVITE", 1, 4020),
                                    req("ACK", 1, 4030)});
    EXPECT_EQ(c.final_code, 487);
    EXPECT_TRUE(c.cancelled);
    EXPECT_EQ(call_outcome(c.final_code, c.cancelled, 0), "cancelled");
    // A cancelled call is no failed setup: the user gave up (no failed SRD).
    EXPECT_EQ(figure(call_figures(c, "cancelled"), CallFigure::srd_failed_n), 0);
}

TEST(CallTable, ReInvitesDoNotChangeTheCall) {
    const CallResult c = only_call({req("INVITE", 1, 0), resp("200", "INVITE", 1, 500), req("ACK", 1, 510, "callee"),
                                    req("INVITE", 2, 10000, "callee"), resp("491", "INVITE", 2, 10010),
                                    req("ACK", 2, 10011, "callee"), req("INVITE", 3, 12000, "callee"),
                                    resp("200", "INVITE", 3, 12010),
                                    // the callee re-INVITEs too: its own From-tag, with a To-tag
                                    from_callee(req("INVITE", 1, 15000, "callee")),
                                    from_callee(resp("488", "INVITE", 1, 15010, "callee")),
                                    req("BYE", 4, 20000, "callee"), resp("200", "BYE", 4, 20005)});
    EXPECT_EQ(c.final_code, 200);
    EXPECT_EQ(c.attempts, 1);
    EXPECT_EQ(c.final_ms, 500);
    EXPECT_EQ(c.hangup, Hangup::caller);
    // Even when the capture missed a re-INVITE's request, its answer comes after the 2xx: not the call's.
    const CallResult d = only_call({req("INVITE", 1, 0), resp("200", "INVITE", 1, 500), resp("491", "INVITE", 2, 900)});
    EXPECT_EQ(d.final_code, 200);
    EXPECT_EQ(d.attempts, 1);
}

TEST(CallTable, CallsWithoutTheirInviteAreNotGuessed) {
    bool without = false;
    EXPECT_TRUE(finish(table({req("BYE", 5, 100, "callee"), resp("200", "BYE", 5, 110)}), &without).empty());
    EXPECT_TRUE(without);
    EXPECT_TRUE(finish(table({resp("180", "INVITE", 1, 0), resp("200", "INVITE", 1, 10)}), &without).empty());
    EXPECT_TRUE(without);
    // A call whose INVITE is there but got no final response is a call (incomplete), not one without INVITE.
    const auto calls = finish(table({req("INVITE", 1, 0), resp("180", "INVITE", 1, 10)}), &without);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].final_code, 0);
    EXPECT_FALSE(without);
}

TEST(CallTable, RetransmissionsChangeNothing) {
    const std::vector<Msg> once = {req("INVITE", 1, 0), resp("486", "INVITE", 1, 300), req("ACK", 1, 301)};
    const std::vector<Msg> again = {req("INVITE", 1, 0),      req("INVITE", 1, 500),    resp("486", "INVITE", 1, 300),
                                    resp("486", "INVITE", 1, 800), req("ACK", 1, 301),  resp("486", "INVITE", 1, 1800),
                                    req("ACK", 1, 1801)};
    const CallResult a = only_call(once), b = only_call(again);
    EXPECT_EQ(b.final_code, 486);
    EXPECT_EQ(b.attempts, 1);
    EXPECT_EQ(a.invite_ms, b.invite_ms);
    EXPECT_EQ(a.final_ms, b.final_ms);
    EXPECT_EQ(call_figures(a, "busy"), call_figures(b, "busy"));
}

bool same(const CallResult& a, const CallResult& b) {
    return a.final_code == b.final_code && a.cancelled == b.cancelled && a.attempts == b.attempts &&
           a.auth_rounds == b.auth_rounds && a.hangup == b.hangup && a.bye_answered == b.bye_answered &&
           a.invite_ms == b.invite_ms && a.ringing_ms == b.ringing_ms && a.final_ms == b.final_ms &&
           a.bye_ms == b.bye_ms && a.bye_final_ms == b.bye_final_ms;
}

TEST(CallTable, TablesSplitMidCallMergeToTheWholeCall) {
    const std::vector<Msg> msgs = answered_after_407();
    const CallResult whole = only_call(msgs);
    for (std::size_t cut = 0; cut <= msgs.size(); ++cut) {
        const CallTable a = table({msgs.begin(), msgs.begin() + static_cast<std::ptrdiff_t>(cut)});
        const CallTable b = table({msgs.begin() + static_cast<std::ptrdiff_t>(cut), msgs.end()});
        CallTable ab = a, ba = b;
        ab.merge(b);
        ba.merge(a);
        const auto x = finish(ab), y = finish(ba);
        ASSERT_EQ(x.size(), 1u) << cut;
        ASSERT_EQ(y.size(), 1u) << cut;
        EXPECT_TRUE(same(x[0], whole)) << "cut at " << cut;
        EXPECT_TRUE(same(y[0], whole)) << "cut at " << cut;
    }
}

TEST(CallTable, RegistrationWithAChallengeIsOneSuccessfulRegistration) {
    CallTable t = table({req("REGISTER", 1, 0), resp("401", "REGISTER", 1, 30), req("REGISTER", 2, 100),
                         resp("200", "REGISTER", 2, 180),
                         // an hour later the refresh, on the same Call-ID (RFC 3261 §10.2.4): refused
                         req("REGISTER", 3, 3600000), resp("403", "REGISTER", 3, 3600040)});
    bool without = false;
    const auto regs = CallTable::finish_registrations(t.calls().begin()->second, without);
    ASSERT_EQ(regs.size(), 2u);
    EXPECT_FALSE(without);
    EXPECT_EQ(regs[0].final_code, 200);
    EXPECT_EQ(regs[0].auth_rounds, 1);
    const CallFigures f = registration_figures(regs[0]);
    EXPECT_EQ(figure(f, CallFigure::rrd_ms), 180);  // RFC 6076 §4.1: first REGISTER -> 200
    EXPECT_EQ(figure(f, CallFigure::registered), 1);
    EXPECT_EQ(regs[1].final_code, 403);
    EXPECT_EQ(figure(registration_figures(regs[1]), CallFigure::registered), 0);
    bool w = false;
    EXPECT_TRUE(finish(t, &w).empty());
    EXPECT_FALSE(w);  // registrations are not calls, nor calls without INVITE
}

Msg with_credentials(Msg m) {
    m.credentials = true;
    return m;
}

Msg stale(Msg m) {
    m.stale = true;
    return m;
}

TEST(CallTable, RefusedCredentialsEndARegistration) {
    // A challenge to fresh credentials refuses them (RFC 3261 §22.2): the UA's later REGISTER is a new
    // registration. A challenge saying stale=true only renews the nonce (RFC 2617 §3.2.1).
    CallTable t = table({req("REGISTER", 1, 0), resp("401", "REGISTER", 1, 10),
                         with_credentials(req("REGISTER", 2, 20)), resp("401", "REGISTER", 2, 30),
                         req("REGISTER", 3, 150000), resp("401", "REGISTER", 3, 150010),
                         with_credentials(req("REGISTER", 4, 150020)), stale(resp("401", "REGISTER", 4, 150030)),
                         with_credentials(req("REGISTER", 5, 150040)), resp("200", "REGISTER", 5, 150060)});
    bool without = false;
    const auto regs = CallTable::finish_registrations(t.calls().begin()->second, without);
    ASSERT_EQ(regs.size(), 2u);
    EXPECT_EQ(regs[0].final_code, 401);
    EXPECT_EQ(regs[0].auth_rounds, 2);
    EXPECT_EQ(regs[1].final_code, 200);
    EXPECT_EQ(regs[1].auth_rounds, 2);
    EXPECT_EQ(regs[1].final_ms - regs[1].request_ms, 60);
}

TEST(CallTable, TwoFirstAnswersToOneRegisterMergeTheSameEitherWay) {
    // Two capture points each saw a different first final response to REGISTER CSeq 1 (a stateless proxy's
    // 403 on one side, the registrar's 200 on the other): whichever table is merged into which, the same
    // one is kept (the lower code), so a split scan never depends on the order its pieces are joined.
    const CallTable a = table({req("REGISTER", 1, 0), resp("403", "REGISTER", 1, 20)});
    const CallTable b = table({req("REGISTER", 1, 0), resp("200", "REGISTER", 1, 30)});
    CallTable ab = a, ba = b;
    ab.merge(b);
    ba.merge(a);
    for (const CallTable* t : {&ab, &ba}) {
        bool without = false;
        const auto regs = CallTable::finish_registrations(t->calls().begin()->second, without);
        ASSERT_EQ(regs.size(), 1u);
        EXPECT_EQ(regs[0].final_code, 200);
        EXPECT_EQ(regs[0].final_ms, 30);
    }
}

// Who called whom: From and To of the initial INVITE (no To-tag), never of a re-INVITE from the callee (its
// From and To are swapped, RFC 3261 §12.2.1.1); tables of any split agree.
TEST(CallTable, CallerAndCalleeComeFromTheInitialInvite) {
    const SipAddressFields& f = sip_address_fields();
    auto invite = [&](std::string_view from_user, std::string_view to_user, std::string_view to_tag, std::uint32_t cseq) {
        Record r;
        r.protocol = Protocol::sip;
        r.kind = RecordKind::request;
        r.method = r.sip.cseq_method = "INVITE";
        r.sip.call_id = "call-1";
        r.sip.cseq = cseq;
        r.sip.from_tag = to_tag.empty() ? "caller" : "callee";
        r.sip.to_tag = to_tag;
        r.add_extra(f.from_user, from_user);
        r.add_extra(f.from_host, "atlanta.com");
        r.add_extra(f.to_user, to_user);
        r.add_extra(f.to_host, "biloxi.com");
        return r;
    };
    CallTable first, second;
    // The callee's re-INVITE names the parties the other way round, and sorts first: it must not count.
    second.add(invite("bob", "zoe", "caller", 7), 50, 0);
    first.add(invite("zoe", "bob", "", 1), 10, 0);
    for (CallTable* whole : {&first, &second}) {
        CallTable t = *whole;
        t.merge(whole == &first ? second : first);
        const CallRecord& c = t.calls().begin()->second;
        EXPECT_EQ(c.caller, "zoe@atlanta.com");
        EXPECT_EQ(c.callee, "bob@biloxi.com");
    }
}

TEST(CallOutcome, ByTheCodeAsItsRfcDefinesIt) {
    // 487 answers a CANCEL (RFC 3261 §21.4.25) even when the capture missed the CANCEL itself.
    EXPECT_EQ(call_outcome(487, false, 0), "cancelled");
    // ITU-T E.411's user busy: 486 Busy Here and 600 Busy Everywhere (RFC 3261 §21.4.24, §21.6.1).
    EXPECT_EQ(call_outcome(486, false, 0), "busy");
    EXPECT_EQ(call_outcome(600, false, 0), "busy");
    // No answer: 408 Request Timeout, 480 Temporarily Unavailable.
    EXPECT_EQ(call_outcome(408, false, 0), "no_answer");
    EXPECT_EQ(call_outcome(480, false, 0), "no_answer");
    // Rejected by the user or a policy: 403, 603 Decline, 606, 607 Unwanted, 608 Rejected.
    for (int code : {403, 603, 606, 607, 608}) EXPECT_EQ(call_outcome(code, false, 0), "rejected") << code;
    EXPECT_EQ(call_outcome(503, false, 0), "failed");
    EXPECT_EQ(call_outcome(200, true, 0), "answered");  // a CANCEL that lost the race to the 200
    // A Q.850 cause, when given, says what the code only suggests: 17 user busy, 18/19 no answer, 21 rejected.
    EXPECT_EQ(call_outcome(503, false, 17), "busy");
    EXPECT_EQ(call_outcome(480, false, 21), "rejected");
    EXPECT_EQ(call_outcome(500, false, 19), "no_answer");
}

TEST(CallFigures, ADelayWhoseEndsAreOutOfOrderIsNotADelay) {
    // Times from two capture points may disagree: a 200 stamped before its INVITE gives no setup time at all
    // (not a negative one that would pull the mean down).
    CallResult c;
    c.final_code = 200;
    c.invite_ms = 1000;
    c.final_ms = 900;
    c.bye_ms = 5000;
    c.bye_final_ms = 5010;
    c.bye_answered = true;
    const CallFigures f = call_figures(c, "answered");
    EXPECT_EQ(figure(f, CallFigure::setup_n), 0);
    EXPECT_EQ(figure(f, CallFigure::setup_ms), 0);
    EXPECT_EQ(figure(f, CallFigure::sdt_n), 1);   // 2xx -> BYE is in order: 4,100 ms
    EXPECT_EQ(figure(f, CallFigure::sdt_ms), 4100);
}

TEST(CallFigures, ACallIsCompletedOnlyWhenItsByeIsAnswered2xx) {
    // RFC 6076 §4.9 SCR: answered calls ended by a BYE that got a 2xx. A BYE answered 481 (the other side
    // had already forgotten the dialog) ends the call but does not complete it.
    CallResult c;
    c.final_code = 200;
    c.invite_ms = 0;
    c.final_ms = 100;
    c.bye_ms = 1000;
    c.bye_code = 481;
    c.bye_final_ms = 1010;
    c.bye_answered = false;
    EXPECT_EQ(figure(call_figures(c, "answered"), CallFigure::completed), 0);
    EXPECT_EQ(figure(call_figures(c, "answered"), CallFigure::sdd_n), 0);
    c.bye_code = 200;
    c.bye_answered = true;
    EXPECT_EQ(figure(call_figures(c, "answered"), CallFigure::completed), 1);
    EXPECT_EQ(figure(call_figures(c, "answered"), CallFigure::sdd_ms), 10);
}

Msg of(Msg m, std::string call_id) {
    m.call_id = std::move(call_id);
    return m;
}

std::vector<std::string> ids(const CallTable& t) {
    std::vector<std::string> out;
    for (const auto& [id, rec] : t.calls()) out.push_back(id);
    std::sort(out.begin(), out.end());
    return out;
}

TEST(CallTable, TakeEndedMovesOutCallsThatEndedAndWentQuiet) {
    std::vector<Msg> msgs = answered_after_407();   // call-1: its BYE is answered at 63.05 s
    for (const Msg& m : {req("INVITE", 1, 64000), resp("180", "INVITE", 1, 64100)})  // still ringing
        msgs.push_back(of(m, "ringing"));
    for (const Msg& m : {req("INVITE", 1, 90000), resp("486", "INVITE", 1, 90100)})  // ended, not quiet yet
        msgs.push_back(of(m, "busy"));
    for (const Msg& m : {req("INVITE", 1, 50000), resp("200", "INVITE", 1, 50100)})  // in conversation
        msgs.push_back(of(m, "talking"));
    msgs.push_back(of(req("REGISTER", 1, 100000), "reg"));                          // waiting for its answer
    CallTable t = table(msgs);
    EXPECT_EQ(t.latest_ms(), 100000);

    CallTable out = t.take_ended(32000, 4 * 3600000);
    EXPECT_EQ(ids(out), std::vector<std::string>{"call-1"});
    EXPECT_EQ(ids(t), (std::vector<std::string>{"busy", "reg", "ringing", "talking"}));
    const auto taken = finish(out);
    ASSERT_EQ(taken.size(), 1u);
    EXPECT_TRUE(same(taken[0], only_call(answered_after_407())));

    // Quiet past the timeout: counted as they stand (the ringing call without a final response, the
    // answered one without its BYE); the busy call is quiet for under the linger still.
    out = t.take_ended(32000, 35000);
    EXPECT_EQ(ids(out), (std::vector<std::string>{"ringing", "talking"}));
    EXPECT_EQ(ids(t), (std::vector<std::string>{"busy", "reg"}));
}

TEST(CallTable, TakeEndedWaitsForChallengesAndByeAnswers) {
    // A 2xx to the BYE, or any final answer to it, ends an answered call; a 407 ends nothing before the
    // linger (the INVITE with credentials comes right after); a REGISTER answered ends its registration.
    CallTable t = table({req("INVITE", 1, 0), resp("200", "INVITE", 1, 10), req("BYE", 2, 20, "callee"),
                         resp("481", "BYE", 2, 30), of(req("REGISTER", 1, 0), "reg"),
                         of(resp("200", "REGISTER", 1, 5), "reg"), of(req("INVITE", 1, 40000), "auth"),
                         of(resp("407", "INVITE", 1, 40010), "auth")});
    EXPECT_TRUE(CallTable::ended(t.calls().at("call-1")));
    EXPECT_TRUE(CallTable::ended(t.calls().at("reg")));
    EXPECT_TRUE(CallTable::ended(t.calls().at("auth")));
    EXPECT_EQ(ids(t.take_ended(32000, 4 * 3600000)), (std::vector<std::string>{"call-1", "reg"}));
}

TEST(CallTable, TakeEndedKeepsCallsWithoutTimes) {
    CallTable t = table({req("INVITE", 1, kNoMs), resp("486", "INVITE", 1, kNoMs)});
    EXPECT_EQ(t.latest_ms(), kNoMs);
    EXPECT_TRUE(t.take_ended(0, 0).calls().empty());
    EXPECT_EQ(t.size(), 1u);
}

}  // namespace
