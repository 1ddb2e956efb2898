// Joining access-log errors with error-log events: paths as servers see them, one event per request.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>

#include "logcodes/correlate.hpp"
#include "logcodes/fields.hpp"
#include "logcodes/request_path.hpp"

namespace logcodes {
namespace {

TEST(RequestPath, NormalisesWhatTheTwoLogsWriteDifferently) {
    EXPECT_EQ(normalize_request_path("/shop/a.jsp;jsessionid=ABC123?x=1"), "/shop/a.jsp");
    EXPECT_EQ(normalize_request_path("/shop/a%20b.jsp"), "/shop/a b.jsp");
    EXPECT_EQ(normalize_request_path("/shop/dir/"), "/shop/dir");
    EXPECT_EQ(normalize_request_path("//shop///x"), "/shop/x");
    EXPECT_EQ(normalize_request_path("http://example.com:8080/shop/x?y"), "/shop/x");
    EXPECT_EQ(normalize_request_path("/"), "/");
    EXPECT_EQ(normalize_request_path("a.jsp"), "/a.jsp");
    EXPECT_EQ(normalize_request_path("/a;v=1/b;w=2"), "/a/b");
    EXPECT_EQ(normalize_request_path("/bad%zz%4"), "/bad%zz%4");   // not escapes: kept as written
    EXPECT_EQ(normalize_request_path("/x#frag"), "/x");
}

TEST(RequestPath, PrefixesHoldWholeSegmentsOnly) {
    EXPECT_TRUE(path_under("/shop", "/shop"));
    EXPECT_TRUE(path_under("/shop/a", "/shop"));
    EXPECT_FALSE(path_under("/shopping", "/shop"));
    EXPECT_TRUE(path_under("/anything", ""));
    EXPECT_TRUE(path_under("/anything", "/"));
}

TEST(RequestPath, MapTakesTheLongestPrefix) {
    PathMap m(std::vector<std::pair<std::string, std::string>>{{"/shop", "/"}, {"/shop/admin", "/admin"}, {"/old/", "/new"}});
    EXPECT_EQ(m.map("/shop/a.jsp"), "/a.jsp");
    EXPECT_EQ(m.map("/shop"), "/");
    EXPECT_EQ(m.map("/shop/admin/x"), "/admin/x");
    EXPECT_EQ(m.map("/old/y"), "/new/y");
    EXPECT_EQ(m.map("/other"), "/other");
}

class Events : public ::testing::Test {
protected:
    void SetUp() override {
        Error err;
        rules_ = RuleSet::compile({{"jsp_compile_error", "", "Unable to compile", {"5xx"}},
                                   {"illegal_state_exception", "", "IllegalStateException", {"5xx"}},
                                   {"upstream_refused", "", "Connection refused", {"502"}}},
                                  err);
        ASSERT_TRUE(rules_) << err.message;
        store_ = std::make_unique<EventStore>(rules_.get(), 2000);
    }
    // An event at `time` ("2026-12-05T10:00:05"), naming `path` (may be empty) in Tomcat `context`.
    void event(std::string time, std::string text, std::string path = {}, const char* context = nullptr,
               const char* writer = nullptr, const char* client = nullptr, const char* level = "SEVERE",
               const char* request_id = nullptr) {
        keep_.push_back(std::move(time));
        const std::string& t = keep_.back();
        keep_.push_back(std::move(text));
        const std::string& x = keep_.back();
        keep_.push_back(std::move(path));
        const std::string& p = keep_.back();
        Record r;
        r.kind = RecordKind::event;
        r.time = t;
        r.time_syntax = TimeSyntax::iso8601;
        r.event_text = x;
        r.level = level;
        r.path_only = p;
        if (request_id) r.request_id = request_id;
        if (context) {
            keep_.emplace_back(context);
            r.add_extra(intern_field("context_path"), keep_.back());
        }
        if (writer) r.add_extra(intern_field("conn"), writer);
        if (client) r.client = client;
        store_->add(r, 1, ++line_);
    }
    // Claims for a request of `target` at `clf_time` ("05/Dec/2026:10:00:05 +0000"); the slug or "".
    std::string claim(const std::string& target, const std::string& clf_time, Explanation* why = nullptr,
                      const char* request_id = nullptr) {
        Record r;
        r.target = target;
        if (request_id) r.request_id = request_id;
        r.time = clf_time;
        r.time_syntax = TimeSyntax::clf;
        Explanation e;
        if (!store_->claim(r, 500, e)) return "";
        if (why) *why = e;
        return std::string(e.slug);
    }
    std::unique_ptr<RuleSet> rules_;
    std::unique_ptr<EventStore> store_;
    std::deque<std::string> keep_;
    std::uint64_t line_ = 0;
};

TEST_F(Events, ContextPathAndServletPathJoinTheRequest) {
    event("2026-12-05T10:00:05", "Unable to compile class for JSP", "/shop/profile.jsp", "/shop");
    store_->finish();
    Explanation why;
    EXPECT_EQ(claim("/shop/profile.jsp;jsessionid=XYZ?a=1", "05/Dec/2026:10:00:05 +0000", &why), "jsp_compile_error");
    EXPECT_EQ(why.kind, JoinKind::path);
}

TEST_F(Events, AnEventExplainsOneRequest) {
    event("2026-12-05T10:00:05", "IllegalStateException: boom", "", "");   // names no path (ROOT context)
    store_->finish();
    EXPECT_EQ(claim("/a", "05/Dec/2026:10:00:05 +0000"), "illegal_state_exception");
    EXPECT_EQ(claim("/b", "05/Dec/2026:10:00:05 +0000"), "");
    EXPECT_EQ(claim("/c", "05/Dec/2026:10:00:06 +0000"), "");
}

TEST_F(Events, AnEventNamingAPathNeverExplainsAnother) {
    event("2026-12-05T10:00:05", "Unable to compile class for JSP", "/broken.jsp", "");
    store_->finish();
    EXPECT_EQ(claim("/other.jsp", "05/Dec/2026:10:00:05 +0000"), "");
    EXPECT_EQ(claim("/broken.jsp", "05/Dec/2026:10:00:05 +0000"), "jsp_compile_error");
}

TEST_F(Events, ClosestUnusedEventFirstAndTheGapIsSaid) {
    event("2026-12-05T10:00:04", "IllegalStateException: a");
    event("2026-12-05T10:00:06", "IllegalStateException: b");
    store_->finish();
    Explanation why;
    EXPECT_EQ(claim("/x", "05/Dec/2026:10:00:06 +0000", &why), "illegal_state_exception");
    EXPECT_EQ(why.kind, JoinKind::time);
    EXPECT_EQ(why.gap, 0);
    EXPECT_EQ(claim("/y", "05/Dec/2026:10:00:06 +0000", &why), "illegal_state_exception");
    EXPECT_EQ(why.gap, 2);
    EXPECT_EQ(claim("/z", "05/Dec/2026:10:00:06 +0000"), "");
}

TEST_F(Events, ContextEventsStayInTheirWebApplication) {
    event("2026-12-05T10:00:05", "IllegalStateException: shop", "", "/shop");
    event("2026-12-05T10:00:05", "IllegalStateException: root", "", "");
    store_->finish();
    Explanation why;
    // A request under /shop cannot take ROOT's event, and one outside it cannot take /shop's.
    EXPECT_EQ(claim("/shop/servlet", "05/Dec/2026:10:00:05 +0000", &why), "illegal_state_exception");
    EXPECT_EQ(claim("/shop/again", "05/Dec/2026:10:00:05 +0000"), "");
    EXPECT_EQ(claim("/elsewhere", "05/Dec/2026:10:00:05 +0000"), "illegal_state_exception");
}

TEST_F(Events, RulesKeepToTheirCodes) {
    event("2026-12-05T10:00:05", "connect() failed (111: Connection refused)");
    store_->finish();
    EXPECT_EQ(claim("/x", "05/Dec/2026:10:00:05 +0000"), "");   // a 500 is not what the 502 rule explains
}

TEST_F(Events, OneRequestsLinesAreOneEventNamedByTheMostSpecificRule) {
    // Apache: the errno line names the cause but no request; the follow-up names the request (here by path).
    Error err;
    rules_ = RuleSet::compile({{"upstream_refused", "", "Connection refused", {"5xx"}},
                               {"upstream_connect_failed", "", "failed to make connection", {"5xx"}}},
                              err);
    store_ = std::make_unique<EventStore>(rules_.get(), 2000);
    event("2026-12-05T10:00:05", "(111)Connection refused: AH00957", "", nullptr, "pid 1:tid 7");
    event("2026-12-05T10:00:05", "AH01114: failed to make connection", "/api", nullptr, "pid 1:tid 7", "10.0.0.1:5");
    // The same thread's next request (another client port): another event.
    event("2026-12-05T10:00:05", "AH01114: failed to make connection", "/api", nullptr, "pid 1:tid 7", "10.0.0.1:6");
    store_->finish();
    EXPECT_EQ(store_->size(), 2u);
    Explanation why;
    EXPECT_EQ(claim("/api", "05/Dec/2026:10:00:05 +0000", &why), "upstream_refused");
    EXPECT_EQ(why.kind, JoinKind::path);
    EXPECT_EQ(claim("/api", "05/Dec/2026:10:00:05 +0000"), "upstream_connect_failed");
    EXPECT_EQ(claim("/api", "05/Dec/2026:10:00:05 +0000"), "");
}

TEST_F(Events, AWebApplicationsEventNeverExplainsAnotherApplicationsRequest) {
    event("2026-12-05T10:00:05", "IllegalStateException: shop", "", "/shop");
    store_->finish();
    EXPECT_EQ(claim("/blog/post", "05/Dec/2026:10:00:05 +0000"), "");
    EXPECT_EQ(claim("/shopping", "05/Dec/2026:10:00:05 +0000"), "");   // a prefix of letters is no context
    EXPECT_EQ(claim("/shop/cart", "05/Dec/2026:10:00:05 +0000"), "illegal_state_exception");
}

TEST_F(Events, AtEqualDistanceANamedEventWinsOverAnUnnamedOne) {
    event("2026-12-05T10:00:05", "something odd happened", "/pay");          // severe, but no rule names it
    event("2026-12-05T10:00:05", "IllegalStateException: pay", "/pay");
    store_->finish();
    Explanation why;
    EXPECT_EQ(claim("/pay", "05/Dec/2026:10:00:05 +0000", &why), "illegal_state_exception");
    EXPECT_EQ(claim("/pay", "05/Dec/2026:10:00:05 +0000", &why), "unknown");   // the unnamed one, for the next
}

TEST_F(Events, EveryErrorLevelOfTheServersIsKept) {
    // nginx writes [crit] and [alert], Apache [crit], Tomcat SEVERE, syslog "err": unnamed events of these
    // levels are kept (they explain as "unknown" with their text); notices and warnings are not.
    for (const char* level : {"crit", "alert", "emerg", "error", "err", "CRITICAL", "fatal"}) {
        store_ = std::make_unique<EventStore>(rules_.get(), 2000);
        event("2026-12-05T10:00:05", "SSL_do_handshake() failed", "/tls", nullptr, nullptr, nullptr, level);
        store_->finish();
        EXPECT_EQ(claim("/tls", "05/Dec/2026:10:00:05 +0000"), "unknown") << level;
    }
    for (const char* level : {"warn", "notice", "info", "WARNING"}) {
        store_ = std::make_unique<EventStore>(rules_.get(), 2000);
        event("2026-12-05T10:00:05", "SSL_do_handshake() failed", "/tls", nullptr, nullptr, nullptr, level);
        store_->finish();
        EXPECT_EQ(claim("/tls", "05/Dec/2026:10:00:05 +0000"), "") << level;
    }
}

TEST_F(Events, ARequestIdJoinsItsOwnPathsNamedEvent) {
    // Two events carry the request's id: the first names no rule, the second does; a third names another path.
    event("2026-12-05T10:00:01", "upstream sent something odd", "", nullptr, nullptr, nullptr, "error", "r-1");
    event("2026-12-05T10:00:01", "Unable to compile class for JSP", "", nullptr, nullptr, nullptr, "error", "r-1");
    event("2026-12-05T10:00:01", "IllegalStateException: x", "/other", nullptr, nullptr, nullptr, "error", "r-2");
    store_->finish();
    Explanation why;
    // An hour later: only the id can join them.
    EXPECT_EQ(claim("/page", "05/Dec/2026:11:00:00 +0000", &why, "r-1"), "jsp_compile_error");
    EXPECT_EQ(why.kind, JoinKind::request_id);
    EXPECT_EQ(claim("/page", "05/Dec/2026:11:00:00 +0000", &why, "r-2"), "");   // its event names /other
}

TEST_F(Events, UserPathMapJoinsRewrittenPaths) {
    store_ = std::make_unique<EventStore>(rules_.get(), 2000, PathMap(std::vector<std::pair<std::string, std::string>>{{"/shop", "/"}}));
    event("2026-12-05T10:00:05", "Unable to compile class for JSP", "/profile.jsp", "");
    store_->finish();
    EXPECT_EQ(claim("/shop/profile.jsp", "05/Dec/2026:10:00:05 +0000"), "jsp_compile_error");
}

}  // namespace
}  // namespace logcodes
