#include <gtest/gtest.h>

#include "logcodes/path_template.hpp"

using logcodes::PathRule;
using logcodes::PathTemplater;

namespace {

std::string apply(const PathTemplater& t, std::string_view path) {
    std::string out, scratch;
    t.apply(path, out, scratch);
    return out;
}

}  // namespace

TEST(PathTemplate, BuiltinRules) {
    const PathTemplater t;
    EXPECT_EQ(apply(t, "/users/42"), "/users/{id}");
    EXPECT_EQ(apply(t, "/users/42/orders/7.json"), "/users/{id}/orders/{id}.json");
    EXPECT_EQ(apply(t, "/o/123e4567-e89b-12d3-a456-426614174000"), "/o/{uuid}");
    EXPECT_EQ(apply(t, "/blob/da39a3ee5e6b4b0d3255bfef95601890afd80709"), "/blob/{hash}");
    EXPECT_EQ(apply(t, "/report/2024-01-31/20240131"), "/report/{date}/{date}");
    EXPECT_EQ(apply(t, "/u/jane.doe@example.com/x"), "/u/{email}/x");
    EXPECT_EQ(apply(t, "/u/jane%40example.org"), "/u/{email}");
    EXPECT_EQ(apply(t, "/t/aB3dE5fG7hJ9kL1mN3pQ5"), "/t/{hash}");
    EXPECT_EQ(apply(t, "/20241399"), "/{id}");  // not a date: digits
}

TEST(PathTemplate, KeepsWordsAndShapes) {
    const PathTemplater t;
    for (std::string_view p : {"/", "", "/api/v1/items", "/summer-sale-2024", "//double//slash/", "/deadbeefcafe",
                               "/ProductCatalogue2024Edition", "/style.css", "/a@b"})
        EXPECT_EQ(apply(t, p), p) << p;
}

TEST(PathTemplate, UserRulesRunFirst) {
    std::string error;
    auto t = PathTemplater::with_rules({{"^/tenants/[a-z]+", "/tenants/{tenant}"}, {"\\\\", "{bs\\}"}}, error);
    ASSERT_TRUE(t) << error;
    EXPECT_EQ(apply(*t, "/tenants/acme/users/42"), "/tenants/{tenant}/users/{id}");
    EXPECT_EQ(apply(*t, "/a\\b"), "/a{bs\\}b");  // placeholders are literal text
}

TEST(PathTemplate, BadRuleNamesIt) {
    std::string error;
    EXPECT_FALSE(PathTemplater::with_rules({{"ok", "{a}"}, {"(unclosed", "{b}"}}, error));
    EXPECT_NE(error.find("path rule 1"), std::string::npos) << error;
    EXPECT_NE(error.find("(unclosed"), std::string::npos) << error;
    EXPECT_FALSE(PathTemplater::with_rules({{"x*", "{x}"}}, error));
    EXPECT_NE(error.find("empty string"), std::string::npos) << error;
}
