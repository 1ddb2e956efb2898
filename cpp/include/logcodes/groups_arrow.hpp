// A summary's groups as Arrow columns: what a scan hands to Python, so that no Python object is made per
// group unless one is asked for (Summary.counts() makes them; to_pandas() does not).
#pragma once

#include <string>
#include <vector>

#include "logcodes/arrow_abi.hpp"
#include "logcodes/sorted_groups.hpp"

namespace logcodes {

// One struct array (and its schema) in the groups' order: a column per dimension, named `names`, then
// "count" (int64). A dimension of numbers is int64, one of text large_utf8 (text already escaped); absent
// values are nulls, and a dimension with no value at all is an all-null large_utf8. The consumer releases
// both; the arrays own their memory (shared by the columns, freed when the last is released). `groups` is
// consumed (freed as it is read). The columns are gathered on up to `threads` threads.
void export_groups(SortedGroups&& groups, const std::vector<std::string>& names, ArrowSchema* schema,
                   ArrowArray* array, unsigned threads = 1);

}  // namespace logcodes
