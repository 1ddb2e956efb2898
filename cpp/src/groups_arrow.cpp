#include "logcodes/groups_arrow.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "logcodes/in_parts.hpp"

namespace logcodes {

namespace {

struct Column {
    bool text = false;
    std::int64_t nulls = 0;
    std::vector<std::uint8_t> validity;   // one bit per row, least significant first
    std::vector<std::int64_t> values;     // numbers, or text offsets (rows + 1)
    std::string chars;                    // text
    const void* buffers[3] = {nullptr, nullptr, nullptr};
};

// Every column's buffers, shared by the arrays that point into them.
struct Buffers {
    std::vector<Column> columns;
};

struct ChildArray {
    std::shared_ptr<Buffers> buffers;
};

struct ParentArray {
    std::shared_ptr<Buffers> buffers;
    std::vector<ArrowArray> children;
    std::vector<ArrowArray*> pointers;
    const void* no_validity[1] = {nullptr};
};

void release_child(ArrowArray* a) {
    delete static_cast<ChildArray*>(a->private_data);
    a->release = nullptr;
}

void release_parent(ArrowArray* a) {
    auto* p = static_cast<ParentArray*>(a->private_data);
    for (ArrowArray& c : p->children)
        if (c.release) c.release(&c);  // children not moved out by the consumer
    delete p;
    a->release = nullptr;
}

struct SchemaData {
    std::vector<std::string> names;
    std::vector<ArrowSchema> children;
    std::vector<ArrowSchema*> pointers;
};

void release_child_schema(ArrowSchema* s) { s->release = nullptr; }  // owned by the parent's SchemaData

void release_schema(ArrowSchema* s) {
    auto* d = static_cast<SchemaData*>(s->private_data);
    for (ArrowSchema& c : d->children)
        if (c.release) c.release(&c);
    delete d;
    s->release = nullptr;
}

// Dimension j's values in the groups' order, gathered in parts on `threads` threads (each part a whole
// number of validity bytes). A dimension with no value at all is an all-null text column (whatever its kind:
// there is nothing to say it is numbers).
Column build_column(const SortedGroups& g, std::size_t j, unsigned threads) {
    const SortedGroups::Column& in = g.columns[j];
    Column c;
    const std::size_t rows = g.size();
    c.text = in.text || in.present_count() == 0;
    c.validity.assign(rows / 8 + 1, 0);
    c.values.resize(rows + (c.text ? 1 : 0));
    const unsigned parts = parts_for(rows, threads, 8);
    std::vector<std::int64_t> nulls(parts, 0), bytes(parts + 1, 0);
    if (c.text) {
        // First each part's bytes, so that every part knows where its text starts.
        in_parts(rows, parts, [&](std::size_t from, std::size_t to, unsigned p) {
            std::int64_t n = 0;
            for (std::size_t i = from; i < to; ++i)
                if (in.present[g.order[i]]) n += static_cast<std::int64_t>(in.texts[g.order[i]].size());
            bytes[p + 1] = n;
        }, 8);
        for (unsigned p = 0; p < parts; ++p) bytes[p + 1] += bytes[p];
        c.chars.resize(static_cast<std::size_t>(bytes[parts]));
    }
    in_parts(rows, parts, [&](std::size_t from, std::size_t to, unsigned p) {
        std::int64_t at = bytes[p];
        for (std::size_t i = from; i < to; ++i) {
            const std::uint32_t row = g.order[i];
            const bool valid = in.present[row] != 0;
            if (c.text) {
                if (valid) {  // (an all-null column may come from numbers: it has no texts)
                    const std::string_view t = in.texts[row];
                    if (!t.empty()) std::memcpy(c.chars.data() + at, t.data(), t.size());
                    at += static_cast<std::int64_t>(t.size());
                }
                c.values[i + 1] = at;
            } else {
                c.values[i] = valid ? in.numbers[row] : 0;
            }
            if (valid) c.validity[i / 8] = static_cast<std::uint8_t>(c.validity[i / 8] | (1u << (i % 8)));
            else ++nulls[p];
        }
    }, 8);
    for (std::int64_t n : nulls) c.nulls += n;
    return c;
}

Column count_column(const SortedGroups& g, unsigned threads) {
    Column c;
    c.values.resize(g.size());
    in_parts(g.size(), threads, [&](std::size_t from, std::size_t to, unsigned) {
        for (std::size_t i = from; i < to; ++i) c.values[i] = static_cast<std::int64_t>(g.counts[g.order[i]]);
    });
    return c;
}

}  // namespace

void export_groups(SortedGroups&& groups, const std::vector<std::string>& names, ArrowSchema* schema,
                   ArrowArray* array, unsigned threads) {
    if (names.size() != groups.width()) throw std::invalid_argument("export_groups: one name per dimension");
    const auto rows = static_cast<std::int64_t>(groups.size());
    auto buffers = std::make_shared<Buffers>();
    // Each dimension's input is freed once it is gathered: the groups are not held twice.
    for (std::size_t j = 0; j < names.size(); ++j) {
        buffers->columns.push_back(build_column(groups, j, threads));
        groups.columns[j] = SortedGroups::Column{};
    }
    buffers->columns.push_back(count_column(groups, threads));
    groups = SortedGroups{};

    auto schema_data = std::make_unique<SchemaData>();
    schema_data->names = names;
    schema_data->names.emplace_back("count");
    auto parent = std::make_unique<ParentArray>();
    parent->buffers = buffers;
    const std::size_t n = buffers->columns.size();
    parent->children.resize(n);
    schema_data->children.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
        Column& c = buffers->columns[j];
        c.buffers[0] = c.nulls ? c.validity.data() : nullptr;
        c.buffers[1] = c.values.data();
        c.buffers[2] = c.chars.data();
        parent->children[j] = ArrowArray{rows, c.nulls, 0, c.text ? 3 : 2, 0, c.buffers, nullptr, nullptr,
                                         &release_child, new ChildArray{buffers}};
        parent->pointers.push_back(&parent->children[j]);
        schema_data->children[j] = ArrowSchema{c.text ? "U" : "l", schema_data->names[j].c_str(), nullptr,
                                               ARROW_FLAG_NULLABLE, 0, nullptr, nullptr, &release_child_schema,
                                               nullptr};
        schema_data->pointers.push_back(&schema_data->children[j]);
    }
    *array = ArrowArray{rows, 0, 0, 1, static_cast<std::int64_t>(n), parent->no_validity, parent->pointers.data(),
                        nullptr, &release_parent, nullptr};
    array->private_data = parent.release();
    *schema = ArrowSchema{"+s", "", nullptr, 0, static_cast<std::int64_t>(n), schema_data->pointers.data(), nullptr,
                          &release_schema, nullptr};
    schema->private_data = schema_data.release();
}

}  // namespace logcodes
