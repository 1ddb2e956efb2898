// Records as columns: appends the chosen columns of each counted record and hands them out as Arrow
// record batches (a struct array per the Arrow C data interface) that own their memory.
//
// The values are the record's derived values (derived.hpp), which the aggregator groups by: a column and the
// dimension of the same name mean the same thing (`path` templated, `path_raw` as written ...).
// Types: time timestamp[ms, UTC] (the log's zone applied; a time written without a zone is taken as
// UTC), code and upstream_code int16, bytes and line int64, duration float64 seconds,
// host/path/path_raw/query utf8, and the low-cardinality text columns (protocol, class, reason, method,
// cause, file) dictionary-encoded: int32 indices into a utf8 dictionary of each batch.
// Missing values are nulls. Text that is not valid UTF-8 keeps its bad bytes visible as "\xNN".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/arrow_abi.hpp"
#include "logcodes/derived.hpp"

namespace logcodes {

enum class Column : std::uint8_t {
    time, protocol, code, klass, reason, method, host, path, path_raw, query, bytes, duration, upstream_code, cause,
    file, line
};
inline constexpr int kColumnCount = 16;
std::string_view column_name(Column c) noexcept;
bool parse_column(std::string_view name, Column& out) noexcept;
std::vector<Column> all_columns();

// The Arrow schema of batches with these columns (a struct of nullable fields); the consumer releases it.
void export_schema(const std::vector<Column>& columns, ArrowSchema* out);

class RecordBatchBuilder {
public:
    // A batch is full at `batch_size` rows (or when one text column passes 1 GiB, below utf8's 2 GiB cap).
    RecordBatchBuilder(std::vector<Column> columns, std::size_t batch_size);
    ~RecordBatchBuilder();
    RecordBatchBuilder(const RecordBatchBuilder&) = delete;
    RecordBatchBuilder& operator=(const RecordBatchBuilder&) = delete;

    // Appends a row of the record `d` derives values for; `line_no` is its line number in its input.
    void append(Derived& d, std::uint64_t line_no);
    std::size_t rows() const noexcept { return rows_; }
    bool full() const noexcept;
    const std::vector<Column>& columns() const noexcept { return columns_; }

    // Moves the rows appended so far into `out` (a struct array; the consumer calls out->release) and
    // starts an empty batch.
    void finish(ArrowArray* out);

    struct ColumnData;

private:
    std::vector<Column> columns_;
    std::size_t batch_size_;
    std::vector<ColumnData*> data_;   // owned; handed to the exported arrays by finish()
    std::size_t rows_ = 0;
};

}  // namespace logcodes
