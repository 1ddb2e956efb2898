#include "logcodes/groups_arrow.hpp"

#include <cstdint>
#include <memory>
#include <stdexcept>

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

void mark(Column& c, std::size_t row, bool valid) {
    if (row % 8 == 0) c.validity.push_back(0);
    if (valid) c.validity.back() = static_cast<std::uint8_t>(c.validity.back() | (1u << (row % 8)));
    else ++c.nulls;
}

// Dimension j's values in the groups' order. A dimension with no value at all is an all-null text column
// (whatever its kind: there is nothing to say it is numbers).
Column build_column(const SortedGroups& g, std::size_t j) {
    const SortedGroups::Column& in = g.columns[j];
    Column c;
    const std::size_t rows = g.size();
    c.text = in.text || in.present_count() == 0;
    c.validity.reserve(rows / 8 + 1);
    c.values.reserve(rows + (c.text ? 1 : 0));
    if (c.text) {
        c.chars.reserve(in.text_bytes);
        c.values.push_back(0);
    }
    for (std::size_t i = 0; i < rows; ++i) {
        const std::uint32_t row = g.order[i];
        const bool valid = in.present[row] != 0;
        if (c.text) {
            if (valid) c.chars.append(in.text_at(row));
            c.values.push_back(static_cast<std::int64_t>(c.chars.size()));
        } else {
            c.values.push_back(valid ? in.numbers[row] : 0);
        }
        mark(c, i, valid);
    }
    return c;
}

Column count_column(const SortedGroups& g) {
    Column c;
    c.values.reserve(g.size());
    for (std::uint32_t row : g.order) c.values.push_back(static_cast<std::int64_t>(g.counts[row]));
    return c;
}

}  // namespace

void export_groups(SortedGroups&& groups, const std::vector<std::string>& names, ArrowSchema* schema,
                   ArrowArray* array) {
    if (names.size() != groups.width()) throw std::invalid_argument("export_groups: one name per dimension");
    const auto rows = static_cast<std::int64_t>(groups.size());
    auto buffers = std::make_shared<Buffers>();
    // Each dimension's input is freed once it is gathered: the groups are not held twice.
    for (std::size_t j = 0; j < names.size(); ++j) {
        buffers->columns.push_back(build_column(groups, j));
        groups.columns[j] = SortedGroups::Column{};
    }
    buffers->columns.push_back(count_column(groups));
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
