#include "logcodes/arrow_export.hpp"
#include "logcodes/record_batches.hpp"
#include "logcodes/record_reader.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace logcodes;
namespace fs = std::filesystem;

const char* kLog =
    "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /a?x=1 HTTP/1.0\" 200 2326 \"-\" \"ua\"\n"
    "garbage line\n"
    "1.2.3.4 - - [10/Oct/2000:13:55:37 -0700] \"POST /b HTTP/1.0\" 502 - \"-\" \"ua\"\n"
    "1.2.3.4 - - [10/Oct/2000:13:55:38 -0700] \"GET /c HTTP/1.0\" - 12 \"-\" \"ua\"\n"
    "1.2.3.4 - - [10/Oct/2000:13:55:39.250 -0700] \"GET /\xff HTTP/1.0\" 404 0 \"-\" \"ua\"\n";

struct TempLog {
    TempLog() {
        path = (fs::temp_directory_path() / ("logcodes_records_" + std::to_string(::getpid()) + ".log")).string();
        std::ofstream(path, std::ios::binary) << kLog;
    }
    ~TempLog() { fs::remove(path); }
    std::string path;
};

std::string text_at(const ArrowArray& col, std::int64_t i) {
    const auto* offsets = static_cast<const std::int32_t*>(col.buffers[1]);
    const auto* chars = static_cast<const char*>(col.buffers[2]);
    return std::string(chars + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i]));
}

// A text or dictionary-encoded text value.
std::string value_at(const ArrowArray& col, std::int64_t i) {
    if (!col.dictionary) return text_at(col, i);
    return text_at(*col.dictionary, static_cast<const std::int32_t*>(col.buffers[1])[i]);
}

bool valid_at(const ArrowArray& col, std::int64_t i) {
    if (!col.buffers[0]) return true;
    return (static_cast<const std::uint8_t*>(col.buffers[0])[i / 8] >> (i % 8)) & 1;
}

// Reads a whole stream: the batches' lengths, and the children of the last batch kept for checks.
struct Drained {
    std::vector<std::int64_t> lengths;
    std::vector<std::string> codes_paths;  // "code path" of every row
};

Drained drain(ArrowArrayStream& s) {
    Drained d;
    ArrowSchema schema;
    EXPECT_EQ(s.get_schema(&s, &schema), 0);
    std::int64_t code_col = -1, path_col = -1;
    for (std::int64_t i = 0; i < schema.n_children; ++i) {
        if (std::string(schema.children[i]->name) == "code") code_col = i;
        if (std::string(schema.children[i]->name) == "path") path_col = i;
    }
    schema.release(&schema);
    for (;;) {
        ArrowArray batch;
        EXPECT_EQ(s.get_next(&s, &batch), 0);
        if (!batch.release) break;
        d.lengths.push_back(batch.length);
        for (std::int64_t r = 0; r < batch.length; ++r) {
            const auto* codes = static_cast<const std::int16_t*>(batch.children[code_col]->buffers[1]);
            d.codes_paths.push_back(std::to_string(codes[r]) + " " + text_at(*batch.children[path_col], r));
        }
        batch.release(&batch);
    }
    return d;
}

TEST(RecordBatches, SchemaTypes) {
    ArrowSchema s;
    export_schema(all_columns(), &s);
    ASSERT_EQ(s.n_children, kColumnCount);
    EXPECT_STREQ(s.format, "+s");
    std::vector<std::string> got;
    for (std::int64_t i = 0; i < s.n_children; ++i)
        got.push_back(std::string(s.children[i]->name) + ":" + s.children[i]->format);
    EXPECT_EQ(got, (std::vector<std::string>{"time:tsm:UTC", "protocol:i", "code:s", "class:i", "reason:i", "method:i",
                                             "host:u", "path:u", "path_raw:u", "query:u", "bytes:l", "duration:g",
                                             "upstream_code:s", "cause:i", "file:i", "line:l"}));
    // Low-cardinality text is dictionary-encoded: int32 indices into utf8 values.
    ASSERT_NE(s.children[1]->dictionary, nullptr);
    EXPECT_STREQ(s.children[1]->dictionary->format, "u");
    EXPECT_EQ(s.children[7]->dictionary, nullptr);
    // A consumer may move a child out and release it on its own.
    ArrowSchema moved = *s.children[0];
    s.children[0]->release = nullptr;
    moved.release(&moved);
    s.release(&s);
    EXPECT_EQ(s.release, nullptr);
}

TEST(RecordBatches, ValuesNullsAndBadBytes) {
    TempLog log;
    RecordsOptions o;
    o.scan.paths = {log.path};
    RecordBatchReader reader(o);
    ArrowArray batch;
    ASSERT_TRUE(reader.next(&batch));
    ASSERT_EQ(batch.length, 3);  // the garbage line is unparsed, the "-" status invalid
    ASSERT_EQ(batch.n_children, kColumnCount);
    const ArrowArray& time = *batch.children[0];
    const auto* ms = static_cast<const std::int64_t*>(time.buffers[1]);
    EXPECT_EQ(ms[0], 971211336000);
    EXPECT_EQ(ms[2], 971211339250);  // fractions of a second are kept
    const ArrowArray& code = *batch.children[2];
    EXPECT_EQ(static_cast<const std::int16_t*>(code.buffers[1])[1], 502);
    EXPECT_EQ(value_at(*batch.children[3], 1), "5xx");
    EXPECT_EQ(value_at(*batch.children[4], 2), "Not Found");
    EXPECT_EQ(value_at(*batch.children[5], 1), "POST");
    EXPECT_EQ(text_at(*batch.children[7], 0), "/a");
    EXPECT_EQ(text_at(*batch.children[8], 0), "/a");
    EXPECT_EQ(text_at(*batch.children[9], 0), "x=1");
    EXPECT_FALSE(valid_at(*batch.children[9], 1));  // no query
    EXPECT_EQ(text_at(*batch.children[7], 2), "/\\xff");
    EXPECT_EQ(text_at(*batch.children[8], 2), "/\\xff");
    const ArrowArray& bytes = *batch.children[10];
    EXPECT_EQ(static_cast<const std::int64_t*>(bytes.buffers[1])[0], 2326);
    EXPECT_FALSE(valid_at(bytes, 1));  // "-"
    EXPECT_EQ(bytes.null_count, 1);
    EXPECT_EQ(batch.children[6]->null_count, 3);  // combined logs no host
    EXPECT_EQ(value_at(*batch.children[13], 1), "unknown");  // every error gets a cause
    EXPECT_FALSE(valid_at(*batch.children[13], 0));
    const auto* lines = static_cast<const std::int64_t*>(batch.children[15]->buffers[1]);
    EXPECT_EQ(lines[0], 1);
    EXPECT_EQ(lines[1], 3);
    EXPECT_EQ(lines[2], 5);
    batch.release(&batch);
    EXPECT_FALSE(reader.next(&batch));
    EXPECT_EQ(reader.stats().unparsed, 1u);
    EXPECT_EQ(reader.stats().invalid, 1u);
    EXPECT_EQ(reader.stats().total, 5u);
}

TEST(RecordBatches, BatchSizesGiveTheSameRows) {
    TempLog log;
    std::vector<std::string> expected;
    for (std::size_t size : {1, 2, 65536}) {
        RecordsOptions o;
        o.scan.paths = {log.path, log.path};
        o.batch_size = size;
        o.columns = {Column::code, Column::path};
        ArrowArrayStream s;
        export_record_stream(std::make_shared<RecordBatchReader>(o), &s);
        Drained d = drain(s);
        s.release(&s);
        EXPECT_EQ(s.release, nullptr);
        for (auto n : d.lengths) EXPECT_LE(n, static_cast<std::int64_t>(size));
        EXPECT_EQ(d.codes_paths.size(), 6u);
        if (expected.empty()) expected = d.codes_paths;
        EXPECT_EQ(d.codes_paths, expected);
    }
    EXPECT_EQ(expected[0], "200 /a");
}

TEST(RecordBatches, FilterLeavesRowsOutAndCountsThem) {
    TempLog log;
    RecordsOptions o;
    o.scan.paths = {log.path};
    o.columns = {Column::code, Column::path};
    FilterSpec spec;
    spec.codes = {{500, 599}};
    Error err;
    o.scan.filter = RecordFilter::compile(spec, err);
    auto reader = std::make_shared<RecordBatchReader>(o);
    ArrowArrayStream s;
    export_record_stream(reader, &s);
    Drained d = drain(s);
    s.release(&s);
    EXPECT_EQ(d.codes_paths, std::vector<std::string>{"502 /b"});
    EXPECT_EQ(reader->stats().filtered, 2u);
}

TEST(RecordBatches, MissingInputIsReportedAfterTheOthers) {
    TempLog log;
    RecordsOptions o;
    o.scan.paths = {"/nonexistent/logcodes.log", log.path};
    o.columns = {Column::code, Column::path};
    ArrowArrayStream s;
    export_record_stream(std::make_shared<RecordBatchReader>(o), &s);
    ArrowArray batch;
    ASSERT_EQ(s.get_next(&s, &batch), 0);
    EXPECT_EQ(batch.length, 3);
    batch.release(&batch);
    EXPECT_NE(s.get_next(&s, &batch), 0);
    EXPECT_NE(std::string(s.get_last_error(&s)).find("/nonexistent/logcodes.log"), std::string::npos);
    s.release(&s);
}

TEST(RecordBatches, UnconsumedBatchesAreFreed) {
    TempLog log;
    RecordsOptions o;
    o.scan.paths = {log.path};
    o.batch_size = 1;
    RecordBatchReader reader(o);
    ArrowArray batch;
    ASSERT_TRUE(reader.next(&batch));  // the others stay queued: the destructor frees them (ASan checks)
    ArrowArray child = *batch.children[0];  // moved out, released on its own
    batch.children[0]->release = nullptr;
    ArrowArray* method = batch.children[5];
    ArrowArray values = *method->dictionary;  // a dictionary moved out of its column
    method->dictionary->release = nullptr;
    batch.release(&batch);
    child.release(&child);
    EXPECT_EQ(values.length, 1);
    EXPECT_EQ(text_at(values, 0), "GET");
    values.release(&values);
}

}  // namespace
