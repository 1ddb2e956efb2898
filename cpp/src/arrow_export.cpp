#include "logcodes/arrow_export.hpp"

#include <cerrno>
#include <new>
#include <string>

namespace logcodes {

namespace {

struct StreamState {
    std::shared_ptr<RecordBatchReader> reader;
    std::string last_error;
};

StreamState* state(ArrowArrayStream* s) { return static_cast<StreamState*>(s->private_data); }

int get_schema(ArrowArrayStream* s, ArrowSchema* out) {
    try {
        export_schema(state(s)->reader->columns(), out);
        return 0;
    } catch (const std::bad_alloc&) {
        state(s)->last_error = "out of memory";
        return ENOMEM;
    }
}

int get_next(ArrowArrayStream* s, ArrowArray* out) {
    StreamState* st = state(s);
    try {
        if (st->reader->next(out)) return 0;
    } catch (const std::bad_alloc&) {
        st->last_error = "out of memory";
        return ENOMEM;
    }
    const Error& e = st->reader->error();
    if (e) {
        st->last_error = (e.path.empty() ? std::string() : e.path + ": ") + e.message;
        return EIO;
    }
    out->release = nullptr;  // the end of the stream
    return 0;
}

const char* get_last_error(ArrowArrayStream* s) {
    const std::string& e = state(s)->last_error;
    return e.empty() ? nullptr : e.c_str();
}

void release(ArrowArrayStream* s) {
    delete state(s);
    s->release = nullptr;
}

}  // namespace

void export_record_stream(std::shared_ptr<RecordBatchReader> reader, ArrowArrayStream* out) {
    auto* st = new StreamState{std::move(reader), {}};
    *out = ArrowArrayStream{&get_schema, &get_next, &get_last_error, &release, st};
}

}  // namespace logcodes
