// Records leave as an Arrow C stream (ArrowArrayStream): get_next pulls the next batch from a
// RecordBatchReader, so a consumer (pyarrow, polars, DuckDB) drives the scan and holds one batch at a time.
#pragma once

#include <memory>

#include "logcodes/arrow_abi.hpp"
#include "logcodes/record_reader.hpp"

namespace logcodes {

// Fills `out` with a stream over `reader`; the stream shares ownership of the reader (so its stats can be
// read after the consumer is done) and its release callback frees everything it made. A failed input
// makes get_next return EIO after the last batch, with get_last_error naming the input.
void export_record_stream(std::shared_ptr<RecordBatchReader> reader, ArrowArrayStream* out);

}  // namespace logcodes
