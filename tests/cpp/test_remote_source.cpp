// URL inputs through the RemoteOpener interface: an in-memory store stands in for the Python side (which
// tests/python/test_remote.py runs against a real S3 server). Scans of a URL equal scans of the same bytes
// in a local file, split or whole, plain or compressed; failures name the URL and the offset.
#include "logcodes/scanner.hpp"
#include "logcodes/source.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

using namespace logcodes;

class MemoryObject final : public RemoteObject {
public:
    MemoryObject(std::string data, std::atomic<int>& reads, std::uint64_t fail_at)
        : data_(std::move(data)), reads_(reads), fail_at_(fail_at) {}
    std::size_t read_at(std::uint64_t offset, char* dst, std::size_t cap, Error& err) override {
        reads_.fetch_add(1);
        if (offset + cap > fail_at_ && offset < data_.size()) {
            err.kind = ErrorKind::io;
            err.message = "connection reset";
            return 0;
        }
        if (offset >= data_.size()) return 0;
        const std::size_t n = std::min<std::size_t>(cap, data_.size() - offset);
        std::memcpy(dst, data_.data() + offset, n);
        return n;
    }

private:
    std::string data_;
    std::atomic<int>& reads_;
    std::uint64_t fail_at_;
};

class MemoryStore final : public RemoteOpener {
public:
    std::shared_ptr<RemoteObject> open(const std::string& url, std::uint64_t& size, Error& err) override {
        std::lock_guard lock(mu_);
        auto it = objects_.find(url);
        if (it == objects_.end()) {
            err.kind = ErrorKind::not_found;
            err.message = "no such object";
            return nullptr;
        }
        size = it->second.size();
        const auto fail = fail_at_.find(url);
        return std::make_shared<MemoryObject>(it->second, reads, fail == fail_at_.end() ? UINT64_MAX : fail->second);
    }
    void put(const std::string& url, std::string data, std::uint64_t fail_at = UINT64_MAX) {
        std::lock_guard lock(mu_);
        objects_[url] = std::move(data);
        if (fail_at != UINT64_MAX) fail_at_[url] = fail_at;
    }
    std::atomic<int> reads{0};

private:
    std::mutex mu_;
    std::map<std::string, std::string> objects_;
    std::map<std::string, std::uint64_t> fail_at_;
};

std::string combined_lines(std::size_t n) {
    std::mt19937 rng(7);
    static const char* codes[] = {"200", "200", "404", "500", "302", "-", "503"};
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += "10.0.0." + std::to_string(rng() % 256) + " - - [10/Oct/2000:13:55:36 -0700] \"GET /p/" +
             std::to_string(rng() % 1000) + " HTTP/1.1\" " + codes[rng() % 7] + " " + std::to_string(rng() % 5000) +
             " \"-\" \"curl/8\"\n";
        if (i % 997 == 0) s += "not a log line\n";
    }
    return s;
}

std::string gzip_of(const std::string& data) {
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, data.size()) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

class RemoteSourceTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = std::make_shared<MemoryStore>();
        set_remote_opener(store_);
        dir_ = std::filesystem::temp_directory_path() / ("logcodes-remote-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        set_remote_opener(nullptr);
        std::filesystem::remove_all(dir_);
    }
    std::string local(const std::string& name, const std::string& data) {
        const auto p = dir_ / name;
        std::ofstream(p, std::ios::binary) << data;
        return p.string();
    }
    static ScanResult scan(const std::string& path, unsigned threads, std::size_t block,
                           ByteRange range = std::nullopt) {
        ScanOptions o = options_for("auto", GroupSpec{{Dim::klass, Dim::code}, 3600});
        o.paths = {path};
        o.threads = threads;
        o.block_size = block;
        o.min_range = block;
        o.byte_range = range;
        return Scanner::run_blocking(std::move(o));
    }
    static std::string groups(const Aggregator& counts) {
        std::vector<std::string> rows;
        counts.for_each([&](std::span<const KeyValue> key, std::uint64_t n) {
            std::string row;
            for (const KeyValue& k : key) row += (k.is_text ? std::string(k.text) : std::to_string(k.number)) + "|";
            rows.push_back(row + std::to_string(n));
        });
        std::sort(rows.begin(), rows.end());
        std::string out;
        for (const auto& r : rows) out += r + "\n";
        return out;
    }
    static void expect_same(const ScanResult& a, const ScanResult& b) {
        EXPECT_EQ(a.stats.total, b.stats.total);
        EXPECT_EQ(a.stats.unparsed, b.stats.unparsed);
        EXPECT_EQ(a.stats.invalid, b.stats.invalid);
        EXPECT_EQ(groups(a.counts), groups(b.counts));
    }
    std::shared_ptr<MemoryStore> store_;
    std::filesystem::path dir_;
};

TEST_F(RemoteSourceTest, UrlsAreRecognised) {
    EXPECT_TRUE(is_remote_path("s3://bucket/key"));
    EXPECT_TRUE(is_remote_path("gcs+x.y-z://a"));
    EXPECT_FALSE(is_remote_path("/var/log/a://b"));
    EXPECT_FALSE(is_remote_path("://x"));
    EXPECT_FALSE(is_remote_path("1s3://x"));
    EXPECT_FALSE(is_remote_path("-"));
}

TEST_F(RemoteSourceTest, PlainObjectSplitOrWholeEqualsTheLocalFile) {
    const std::string text = combined_lines(20000);
    store_->put("mem://logs/a.log", text);
    const std::string path = local("a.log", text);
    const ScanResult want = scan(path, 1, 1 << 20);
    for (unsigned threads : {1u, 4u}) {
        for (std::size_t block : {std::size_t{4096}, std::size_t{1} << 20}) {
            SCOPED_TRACE(std::to_string(threads) + " threads, block " + std::to_string(block));
            const ScanResult got = scan("mem://logs/a.log", threads, block);
            expect_same(got, want);
            ASSERT_EQ(got.files.size(), 1u);
            EXPECT_EQ(got.files[0].path, "mem://logs/a.log");
            EXPECT_FALSE(got.files[0].error);
        }
    }
    // Pieces of the object add up to the whole, cut anywhere.
    const std::uint64_t size = text.size();
    ScanResult a = scan("mem://logs/a.log", 1, 4096, std::make_pair(std::uint64_t{0}, size / 3 + 17));
    const ScanResult b = scan("mem://logs/a.log", 1, 4096, std::make_pair(size / 3 + 17, size));
    a.counts.merge(b.counts);
    a.stats.merge(b.stats, 5);
    expect_same(a, want);
}

TEST_F(RemoteSourceTest, CompressedObjectStreamsAndACutOneNamesTheUrlAndOffset) {
    const std::string text = combined_lines(5000);
    const std::string gz = gzip_of(text);
    store_->put("mem://logs/a.log.gz", gz);
    expect_same(scan("mem://logs/a.log.gz", 2, 4096), scan(local("a.log", text), 1, 1 << 20));
    store_->put("mem://logs/cut.log.gz", gz.substr(0, gz.size() / 2));
    const ScanResult cut = scan("mem://logs/cut.log.gz", 1, 4096);
    const ScanResult cut_local = scan(local("cut.log.gz", gz.substr(0, gz.size() / 2)), 1, 4096);
    ASSERT_EQ(cut.files.size(), 1u);
    EXPECT_EQ(cut.files[0].error.kind, ErrorKind::truncated);
    EXPECT_EQ(cut.files[0].error.path, "mem://logs/cut.log.gz");
    EXPECT_EQ(cut.files[0].error.offset, cut_local.files[0].error.offset);
    expect_same(cut, cut_local);
}

TEST_F(RemoteSourceTest, MissingObjectAndFailedReadAreErrorsOfTheUrl) {
    const ScanResult missing = scan("mem://logs/nope.log", 1, 4096);
    ASSERT_EQ(missing.files.size(), 1u);
    EXPECT_EQ(missing.files[0].error.kind, ErrorKind::not_found);
    EXPECT_EQ(missing.files[0].error.path, "mem://logs/nope.log");

    const std::string text = combined_lines(2000);
    const std::uint64_t fail_at = text.size() / 2;
    store_->put("mem://logs/flaky.log", text, fail_at);
    const ScanResult r = scan("mem://logs/flaky.log", 1, 4096);
    ASSERT_EQ(r.files.size(), 1u);
    EXPECT_EQ(r.files[0].error.kind, ErrorKind::io);
    EXPECT_EQ(r.files[0].error.path, "mem://logs/flaky.log");
    EXPECT_LE(r.files[0].error.offset, fail_at);
    // Counted: the records before the failure, never more than the object holds.
    EXPECT_LT(r.stats.total, scan(local("flaky.log", text), 1, 4096).stats.total);
}

TEST_F(RemoteSourceTest, NoOpenerIsAClearError) {
    set_remote_opener(nullptr);
    const ScanResult r = scan("mem://logs/a.log", 1, 4096);
    ASSERT_EQ(r.files.size(), 1u);
    EXPECT_EQ(r.files[0].error.kind, ErrorKind::bad_argument);
    EXPECT_NE(r.files[0].error.message.find("no reader of URLs"), std::string::npos);
}

TEST_F(RemoteSourceTest, ReadsAreLargeRequestsNotTheCallersBlocks) {
    const std::string text = combined_lines(20000);   // about 2 MiB: one chunk
    store_->put("mem://logs/a.log", text);
    store_->reads = 0;
    (void)scan("mem://logs/a.log", 1, 4096);
    // The probe's first bytes, one chunk, the end: not one request per 4 KiB block.
    EXPECT_LE(store_->reads.load(), 4);
}

}  // namespace
