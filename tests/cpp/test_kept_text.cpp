#include "../../cpp/src/formats/kept_text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace {

// Every size a value may have, from empty past the limit: the copy holds exactly the first N bytes.
TEST(KeptText, KeepsTheFirstNBytesOfEverySize) {
    std::string source(80, ' ');
    for (std::size_t i = 0; i < source.size(); ++i) source[i] = static_cast<char>(33 + (i * 7) % 90);
    logcodes::KeptText<48> kept;
    for (std::size_t n = 0; n <= source.size(); ++n) {
        kept.assign(std::string_view(source).substr(0, n));
        EXPECT_EQ(std::string_view(kept), std::string_view(source).substr(0, n < 48 ? n : 48)) << n;
        EXPECT_EQ(kept.empty(), n == 0);
    }
    kept.clear();
    EXPECT_TRUE(kept.empty());
}

}  // namespace
